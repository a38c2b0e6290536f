using Naqil.Cli.Commands;
using Naqil.Gateway.NativeMemory;

MallocArenas.CapUnlessConfigured();
return await NaqilCommand.InvokeAsync(args);

using Naqil.Cli.Commands;
using Naqil.Cli.Hosting;

MallocArenas.CapUnlessConfigured();
return await NaqilCommand.Create().Parse(args).InvokeAsync();

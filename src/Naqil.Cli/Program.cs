using Naqil.Cli.Commands;
using Naqil.Gateway.NativeMemory;

MallocArenas.CapUnlessConfigured();
// Ctrl+C (SIGINT) and SIGTERM cancel the running command, which then stops what it started: a
// sandbox stops a dozen hosts and publishers, which can take longer than the parser's default of
// 2 s, after which it would give up and exit 130 with hosts half-stopped.
return await NaqilCommand.InvokeAsync(args, new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });

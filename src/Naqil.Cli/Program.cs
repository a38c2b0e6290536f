using Naqil.Cli.Commands;

return await NaqilCommand.Create().Parse(args).InvokeAsync();

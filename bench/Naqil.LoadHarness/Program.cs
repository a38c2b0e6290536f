using Naqil.LoadHarness;
using Naqil.LoadHarness.Results;
using Spectre.Console;

if (args is ["backend", ..])
{
    return await BenchmarkRun.RunBackendAsync(args);
}

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(HarnessOptions.Usage);
    return 0;
}

// Tables are wide; when the output is a file or a pipe, do not fold them to 80 columns.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 240;
}

try
{
    var options = HarnessOptions.Parse(args);
    var root = RepositoryRoot();
    var run = new BenchmarkRun(options, root, message => AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(message)}"));
    // Everything stops by itself: a run that overstays its deadline is abandoned (children are killed on exit).
    var result = await run.ExecuteAsync().WaitAsync(options.Deadline);
    Report.Print(result);
    await Report.WriteAsync(result, run.Output);
    AnsiConsole.MarkupLine($"written: {Markup.Escape(Path.Combine(run.Output, "latest.md"))} and latest.json");
    return 0;
}
catch (HarnessException e)
{
    await Console.Error.WriteLineAsync($"naqil-load: {e.Message}");
    return 1;
}
catch (TimeoutException)
{
    await Console.Error.WriteLineAsync("naqil-load: the run overstayed its deadline and was abandoned");
    return 1;
}

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Naqil.slnx")))
        {
            return directory.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

using System.Diagnostics;
using System.Text;

namespace Naqil.EndToEnd.Tests;

/// <summary>The real <c>naqil</c> executable run as a child process, its output captured.</summary>
internal sealed class NaqilProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private NaqilProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static NaqilProcess Start(string workingDirectory, params string[] arguments) =>
        StartProgram(workingDirectory, Path.Combine(AppContext.BaseDirectory, "naqil.dll"), arguments);

    /// <summary><c>naqil</c> with <paramref name="environment"/> added to its environment.</summary>
    public static NaqilProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        StartProgram(workingDirectory, Path.Combine(AppContext.BaseDirectory, "naqil.dll"), arguments, environment);

    /// <summary>Another .NET program built next to the tests (the load harness, <c>naqil-load.dll</c>).</summary>
    public static NaqilProcess StartProgram(string workingDirectory, string dll, params string[] arguments) => StartProgram(workingDirectory, dll, arguments, null);

    private static NaqilProcess StartProgram(string workingDirectory, string dll, string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new NaqilProcess(Process.Start(start)!);
    }

    /// <summary>Waits, up to <paramref name="timeout"/>, for <paramref name="condition"/> or for the process to end.</summary>
    public async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            if (_process.HasExited)
            {
                return condition();
            }

            await Task.Delay(100);
        }

        return condition();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends a signal (INT for Ctrl+C, KILL for a crash) through the system's kill command.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

using System.Diagnostics;
using System.Text;

namespace Naqil.LoadHarness.Processes;

/// <summary>
/// A process the harness started and owns: its output goes to a log file in the run's temp
/// folder, and disposing it kills it (and its children, nginx's workers) by its own id.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly StreamWriter _log;
    private readonly ProcessStartInfo _info;
    private Process _process;

    private ChildProcess(string name, Process process, StreamWriter log, ProcessStartInfo info)
    {
        Name = name;
        _process = process;
        _log = log;
        _info = info;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string LogFile { get; private init; } = "";

    /// <summary>The arguments it was started with (a gateway's <c>--config</c> file, for its admin API).</summary>
    public IReadOnlyList<string> Arguments => [.. _info.ArgumentList];

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string logDirectory, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? logDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var logFile = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(logFile, append: true, Encoding.UTF8) { AutoFlush = true };
        return new ChildProcess(name, Launch(name, info, log), log, info) { LogFile = logFile };
    }

    private static Process Launch(string name, ProcessStartInfo info, StreamWriter log)
    {
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        if (!process.Start())
        {
            throw new HarnessException($"could not start {name} ({info.FileName})");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>SIGKILL, as a crash or an operator's kill -9 would: no shutdown hooks run.</summary>
    public void KillHard()
    {
        Write(_log, $"--- naqil-load: SIGKILL {Name} (pid {_process.Id}) at {DateTimeOffset.Now:HH:mm:ss.fff}");
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5_000);
    }

    /// <summary>Starts the process again with the same program, arguments and environment.</summary>
    public void Restart()
    {
        if (!_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} is still running");
        }

        _process.Dispose();
        Write(_log, $"--- naqil-load: restarting {Name} at {DateTimeOffset.Now:HH:mm:ss.fff}");
        _process = Launch(Name, _info, _log);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public string Tail(int lines = 15)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Naqil.LoadHarness.Processes;

namespace Naqil.LoadHarness.Targets;

/// <summary>
/// A run's temp folder, the processes started in it and how to start them. Disposing stops every
/// process it started (each by its own id) and deletes the folder unless asked to keep it.
/// </summary>
internal sealed class Workspace : IDisposable
{
    private readonly List<ChildProcess> _processes = [];
    private readonly bool _keep;

    public Workspace(IReadOnlyDictionary<string, string> dotnetEnvironment, bool keep)
    {
        Root = Directory.CreateTempSubdirectory("naqil-load-").FullName;
        DotnetEnvironment = dotnetEnvironment;
        _keep = keep;
    }

    public string Root { get; }

    /// <summary>Environment variables given to every .NET process the harness starts (runtime settings).</summary>
    public IReadOnlyDictionary<string, string> DotnetEnvironment { get; }

    public string Folder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var process = ChildProcess.Start(name, fileName, arguments, Folder("logs"), environment ?? new Dictionary<string, string>(), workingDirectory);
        _processes.Add(process);
        return process;
    }

    /// <summary>Starts a .NET program (an apphost or a .dll) with the run's runtime settings.</summary>
    public ChildProcess StartDotnet(string name, string program, IEnumerable<string> arguments)
    {
        var isDll = program.EndsWith(".dll", StringComparison.Ordinal);
        var fileName = isDll ? "dotnet" : program;
        IEnumerable<string> all = isDll ? [program, .. arguments] : arguments;
        return Start(name, fileName, all, DotnetEnvironment);
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A loopback port free now, which the caller binds soon after. Taken below the kernel's
    /// ephemeral range (32768–60999 by default): a port the kernel picked for a listener of ours is
    /// one it may give any outgoing connection meanwhile, and a run opens thousands of them (a
    /// gateway once failed to start with its port taken). Never the same port twice in one run.
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 500; attempt++)
            {
                var port = Random.Shared.Next(20_000, 32_000);
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        throw new HarnessException("no free loopback port found between 20000 and 32000");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="url"/> until it answers 2xx, the process dies or the time is up.</summary>
    public static async Task WaitHealthyAsync(ChildProcess process, string url, TimeSpan timeout, HttpMessageHandler? handler = null)
    {
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(2);
        var clock = Stopwatch.StartNew();
        string last = "no answer";
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new HarnessException($"{process.Name} exited while starting; its log ({process.LogFile}) ends with:\n{process.Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(100);
        }

        throw new HarnessException($"{process.Name} did not become healthy at {url} within {timeout.TotalSeconds:0}s (last: {last}); log {process.LogFile}:\n{process.Tail()}");
    }

    public void Dispose()
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Dispose();
        }

        _processes.Clear();
        if (!_keep)
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Naqil.LoadHarness.Processes;
using Npgsql;

namespace Naqil.LoadHarness.Targets;

/// <summary>
/// A throwaway PostgreSQL server for the gateways' message logs, run as the harness's own child as
/// nginx is: <c>initdb</c>, then <c>postgres -D dir</c> in the foreground on a loopback port, with
/// a random password (SCRAM) and the server's own defaults otherwise (<c>fsync</c> and
/// <c>synchronous_commit</c> on). PostgreSQL refuses to run as root, so as root it runs as the
/// <c>postgres</c> user through <c>runuser</c>, in a folder of its own next to the workspace: the
/// workspace is private to root (0700) and holds the gateways' admin tokens.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    private const string User = "postgres";

    private readonly string _password;
    private readonly bool _deleteFolder;

    private PostgresServer(string binaries, string folder, int port, string password, string version, bool deleteFolder, ChildProcess process)
    {
        Binaries = binaries;
        Folder = folder;
        Port = port;
        _password = password;
        Version = version;
        _deleteFolder = deleteFolder;
        Process = process;
    }

    public string Binaries { get; }

    /// <summary>Holds <c>data/</c> (the cluster) and the Unix socket.</summary>
    public string Folder { get; }

    public int Port { get; }

    /// <summary>"PostgreSQL 15.14" as <c>postgres --version</c> says.</summary>
    public string Version { get; }

    /// <summary>The server's process as the harness started it: <c>runuser</c> when running as root, else the postmaster itself.</summary>
    public ChildProcess Process { get; }

    private string DataDirectory => Path.Combine(Folder, "data");

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>The newest <c>/usr/lib/postgresql/*/bin</c> with <c>initdb</c> and <c>postgres</c> (Debian's layout), or null.</summary>
    public static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.EnumerateDirectories(root)
            .Select(d => (Folder: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
            .Where(c => File.Exists(Path.Combine(c.Folder, "initdb")) && File.Exists(Path.Combine(c.Folder, "postgres")))
            .OrderByDescending(c => c.Major)
            .Select(c => c.Folder)
            .FirstOrDefault();
    }

    public static async Task<PostgresServer> StartAsync(Workspace workspace, string binaries, bool keep)
    {
        if (IsRoot && (await RunAsync("id", ["-u", User])).ExitCode != 0)
        {
            throw new HarnessException($"PostgreSQL runs as the '{User}' user when the harness runs as root, and there is no such user (apt-get install postgresql creates it)");
        }

        var folder = IsRoot ? Directory.CreateTempSubdirectory("naqil-load-postgres-").FullName : workspace.Folder("postgres");
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var passwordFile = Path.Combine(folder, "password");
        await File.WriteAllTextAsync(passwordFile, password + "\n");
        if (IsRoot)
        {
            await CheckAsync("chown", ["-R", $"{User}:{User}", folder]);
        }

        await CheckAsync(Command(binaries, "initdb"), [.. CommandArguments(binaries, "initdb"),
            "-D", Path.Combine(folder, "data"), "-U", User, "--pwfile", passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-sync"]);
        File.Delete(passwordFile);

        var port = Workspace.FreePort();
        var version = (await RunAsync(Path.Combine(binaries, "postgres"), ["--version"])).Output.Trim();
        var process = workspace.Start("postgres", Command(binaries, "postgres"), [.. CommandArguments(binaries, "postgres"),
            "-D", Path.Combine(folder, "data"), "-p", port.ToString(CultureInfo.InvariantCulture), "-k", folder,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300"], workingDirectory: folder);
        var server = new PostgresServer(binaries, folder, port, password, version.Replace("postgres (PostgreSQL) ", "PostgreSQL ", StringComparison.Ordinal), IsRoot && !keep, process);
        await server.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return server;
    }

    /// <summary>Creates a database of its own for one gateway and returns its Npgsql connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    /// <summary>Writes out what the server has deferred (a CHECKPOINT), so that a measurement after heavy logging does not pay for it.</summary>
    public async Task CheckpointAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CHECKPOINT", connection);
        await command.ExecuteNonQueryAsync();
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Password = _password,
        Database = database,
    }.ConnectionString;

    /// <summary>
    /// SIGKILL of the postmaster alone, as the OOM killer would: its backends notice it is gone and
    /// exit, leaving the cluster to crash recovery at the next start. Returns once no process of
    /// the old server is left (those that linger are killed too), so it can be started again.
    /// </summary>
    public async Task<string> KillPostmasterAsync()
    {
        var pid = PostmasterPid();
        var tree = ProcFs.WithDescendants(pid);
        using (var postmaster = System.Diagnostics.Process.GetProcessById(pid))
        {
            postmaster.Kill(); // SIGKILL on Linux
        }

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && (!Process.HasExited || tree.Any(Alive)))
        {
            await Task.Delay(50);
        }

        var lingering = tree.Where(Alive).ToList();
        if (!Process.HasExited)
        {
            Process.KillHard();
        }

        foreach (var child in lingering)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(child);
                process.Kill();
            }
            catch (ArgumentException)
            {
            }
        }

        return lingering.Count == 0
            ? $"SIGKILL postmaster (pid {pid}); its {tree.Count - 1} children exited within {clock.Elapsed.TotalSeconds:0.0} s"
            : $"SIGKILL postmaster (pid {pid}); {lingering.Count} of its {tree.Count - 1} children were still running after {clock.Elapsed.TotalSeconds:0} s and were killed too";
    }

    /// <summary>Starts the server again on the same data directory and port (crash recovery runs first).</summary>
    public void Restart() => Process.Restart();

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>The postmaster's pid: the first line of <c>postmaster.pid</c>; <c>runuser</c> sits between the harness and it when running as root.</summary>
    private int PostmasterPid()
    {
        var first = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).FirstOrDefault();
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : throw new HarnessException($"cannot read the postmaster's pid from {Path.Combine(DataDirectory, "postmaster.pid")}");
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < timeout)
        {
            if (Process.HasExited)
            {
                throw new HarnessException($"PostgreSQL exited while starting; its log ({Process.LogFile}) ends with:\n{Process.Tail()}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                last = e.Message;
            }

            await Task.Delay(200);
        }

        throw new HarnessException($"PostgreSQL did not accept connections on 127.0.0.1:{Port} within {timeout.TotalSeconds:0} s (last: {last}); log {Process.LogFile}");
    }

    private static string Command(string binaries, string program) => IsRoot ? "runuser" : Path.Combine(binaries, program);

    private static string[] CommandArguments(string binaries, string program) => IsRoot ? ["-u", User, "--", Path.Combine(binaries, program)] : [];

    private static async Task CheckAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var (exitCode, output) = await RunAsync(fileName, arguments);
        if (exitCode != 0)
        {
            throw new HarnessException($"{fileName} {string.Join(' ', arguments)} failed ({exitCode}): {output.Trim()}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info) ?? throw new HarnessException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new HarnessException($"{fileName} {string.Join(' ', arguments)} did not finish within 2 minutes");
        }

        return (process.ExitCode, await output + await error);
    }

    /// <summary>Stops the server (the workspace would too, later) and removes its folder when it lies outside the workspace.</summary>
    public void Dispose()
    {
        Process.Dispose();

        if (_deleteFolder)
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

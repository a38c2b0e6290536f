using System.CommandLine;
using Naqil.Cli.Hosting;
using Naqil.Cli.Sandbox;

namespace Naqil.Cli.Commands;

/// <summary><c>naqil sandbox</c>: the whole federation on this machine, nothing else installed.</summary>
internal static class SandboxCommand
{
    public const int DefaultPortBase = 4100;

    public static Command Create()
    {
        var state = new Option<DirectoryInfo>("--state")
        {
            Description = "Where the sandbox keeps its keys, databases and manifest (sandbox.json)",
            DefaultValueFactory = _ => new DirectoryInfo(".naqil"),
        };
        var portBase = new Option<int>("--port-base")
        {
            Description = $"First of the loopback ports the sandbox listens on (default {DefaultPortBase}; it uses the 92 above it)",
            DefaultValueFactory = _ => DefaultPortBase,
        };
        var noTimer = new Option<bool>("--no-timer")
        {
            Description = "Keep the posts' synthetic items where they are instead of moving them on every few seconds (for scripted demonstrations and tests)",
        };
        var keys = new Option<string>("--keys")
        {
            Description = "Where the keys that sign evidence live: files (PEM beside each component) or pkcs11 (a SoftHSM2 token in the state directory; docs/keys.md)",
            DefaultValueFactory = _ => "files",
        };
        keys.AcceptOnlyFromAmong("files", "pkcs11");
        var module = new Option<FileInfo?>("--pkcs11-module")
        {
            Description = "With --keys pkcs11: the PKCS#11 module the keys that sign evidence are reached through (default SoftHSM2's; p11-kit's client module reaches the token over a socket as a network HSM is reached). TLS keys go through SoftHSM2's own",
        };
        var command = new Command("sandbox", "Run a federation on this machine: the SY and IQ instances, each with its registry and CA, gateways and sample agencies, on embedded SQLite") { state, portBase, noTimer, keys, module };
        command.Validators.Add(result =>
        {
            if (result.GetValue(module) is not null && result.GetValue(keys) != "pkcs11")
            {
                result.AddError("--pkcs11-module is for --keys pkcs11; add --keys pkcs11, or leave --pkcs11-module out");
            }
        });
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(state)!, result.GetValue(portBase), !result.GetValue(noTimer), result.GetValue(keys) == "pkcs11", result.GetValue(module)?.FullName, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(DirectoryInfo state, int portBase, bool timer, bool keysInToken, string? pkcs11Module, CancellationToken cancellationToken)
    {
        SandboxRunner sandbox;
        try
        {
            Console.WriteLine($"Starting the Naqil sandbox in {state.FullName} ...");
            sandbox = await SandboxRunner.StartAsync(state.FullName, portBase, SandboxPlan.Default, cancellationToken, timer, keysInToken, pkcs11Module);
        }
        catch (SandboxException e)
        {
            await Console.Error.WriteLineAsync($"naqil sandbox: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }

        await using (sandbox)
        {
            var manifest = sandbox.Manifest;
            Console.WriteLine();
            Console.WriteLine($"  registry   {manifest.Registry}");
            foreach (var (member, gateway) in manifest.Gateways)
            {
                Console.WriteLine($"  gateway    {member,-16} consumer {gateway.Consumer}   provider {gateway.Provider}");
            }

            foreach (var (name, url) in manifest.Backends)
            {
                Console.WriteLine($"  backend    {name,-16} {url}");
            }

            Console.WriteLine();
            Console.WriteLine($"Manifest: {Path.Combine(sandbox.StateDirectory, SandboxManifest.FileName)}");
            Console.WriteLine("Try it:");
            Console.WriteLine();
            foreach (var example in manifest.Examples)
            {
                Console.WriteLine($"  {example.Name}: {example.Description}");
                Console.WriteLine($"  {example.Command}");
                Console.WriteLine();
            }
            Console.WriteLine("  After signed-extract, check the seal offline against the instance's root, and with an independent reader:");
            Console.WriteLine($"  dotnet run --project src/Naqil.Cli -- doc verify extract.pdf --trust {manifest.Pki["SY"].RootCertificateFile}");
            Console.WriteLine("  pdfsig extract.pdf");
            Console.WriteLine();
            Console.WriteLine("Press Ctrl+C to stop.");
            await ComponentRunner.WaitForShutdownAsync(cancellationToken);
            Console.WriteLine("Stopping the sandbox ...");
        }

        Console.WriteLine("Stopped.");
        return 0;
    }
}

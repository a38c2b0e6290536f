using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Naqil.Cli.Commands;

namespace Naqil.EndToEnd.Tests.Hosting;

/// <summary>
/// What an operator sees when <c>naqil gateway --config</c> or <c>naqil registry --config</c> is
/// given a bad file: exit code 2 and one line per problem naming the key (or the file, line and
/// position), never an unhandled exception or a stack trace.
/// </summary>
public sealed class ConfigurationErrorTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-config-");

    [Fact]
    public async Task Gateway_WrongMemberId_ListsProblemsWithoutStackTrace()
    {
        var file = Write("gateway.json", GatewayFile(ValidGateway(member: "SY/GOV")));

        var (code, output) = await RunAsync("gateway", "--config", file);

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(output));
        Assert.StartsWith("naqil gateway: Gateway:Member: 'SY/GOV' is not a member identifier", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_UnknownKeysAndWrongShape_ListsEachByItsPath()
    {
        var gateway = JsonSerializer.Deserialize<Dictionary<string, object>>(ValidGateway())!;
        gateway["Foo"] = 1;
        gateway["RegistryUrl"] = "http://127.0.0.1:4100";
        gateway["Clients"] = new[] { new { Subsystem = "SY/GOV/MOCT/portal", ApiKeySha256 = new string('a', 64) } };
        var file = Write("gateway.json", JsonSerializer.Serialize(new { Gateway = gateway }));

        var (code, output) = await RunAsync("gateway", "--config", file);

        Assert.Equal(2, code);
        var lines = Lines(output);
        Assert.Equal($"naqil gateway: the configuration in {file} has 3 problems:", lines[0]);
        Assert.Collection(lines.Skip(1).Order(StringComparer.Ordinal),
            l => Assert.StartsWith("  Gateway:Clients:0:ApiKeySha256 is a single value; it takes a list", l, StringComparison.Ordinal),
            l => Assert.StartsWith("  Gateway:Foo is not a known key", l, StringComparison.Ordinal),
            l => Assert.StartsWith("  Gateway:RegistryUrl is not a known key", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gateway_TruncatedFile_OneLineNamingFileLineAndPosition()
    {
        var valid = GatewayFile(ValidGateway(), indented: true);
        var file = Write("gateway.json", valid[..(valid.Length / 2)]);

        var (code, output) = await RunAsync("gateway", "--config", file);

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(output));
        Assert.Matches($"^naqil gateway: {System.Text.RegularExpressions.Regex.Escape(file)} is not valid JSON: line [0-9]+, position [0-9]+: ", line);
    }

    [Fact]
    public async Task Registry_UnknownKey_OneLineNamingIt()
    {
        var file = Write("registry.json", $$"""{ "Registry": { "Instance": "SY", "DataDirectory": "{{Data("registry")}}", "AdminToken": "0123456789abcdef0123", "Bogus": true } }""");

        var (code, output) = await RunAsync("registry", "--config", file);

        Assert.Equal(2, code);
        Assert.StartsWith("naqil registry: Registry:Bogus is not a known key", Assert.Single(Lines(output)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_WrongValues_ListedByKeyWithoutStackTrace()
    {
        var file = Write("registry.json", $$"""{ "Registry": { "Instance": "Syria", "DataDirectory": "{{Data("registry")}}", "AdminToken": "short", "Url": "4100" } }""");

        var (code, output) = await RunAsync("registry", "--config", file);

        Assert.Equal(2, code);
        Assert.Collection(Lines(output),
            l => Assert.Equal($"naqil registry: the configuration in {file} has 3 problems:", l),
            l => Assert.StartsWith("  Registry:Instance: ", l, StringComparison.Ordinal),
            l => Assert.StartsWith("  Registry:AdminToken must be at least 16 characters", l, StringComparison.Ordinal),
            l => Assert.StartsWith("  Registry:Url is '4100'", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registry_DataDirectoryInUse_SecondProcessStopsNamingIt()
    {
        var data = Data("registry");
        var ports = Ports.FreeBase(2);
        string Config(int port) => Write($"registry-{port}.json", $$"""{ "Registry": { "Instance": "SY", "DataDirectory": "{{data}}", "AdminToken": "0123456789abcdef0123", "Url": "http://127.0.0.1:{{port}}" } }""");
        await using var first = NaqilProcess.Start(_work.FullName, "registry", "--config", Config(ports));
        Assert.True(await first.WaitForAsync(() => first.Output.Contains("listening", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), first.Output);

        var (code, output) = await RunAsync("registry", "--config", Config(ports + 1));

        Assert.Equal(2, code);
        Assert.Equal($"naqil registry: Registry:DataDirectory '{data}' is in use: another registry holds {Path.Combine(data, "naqil.lock")}; stop that registry, or give this one a Registry:DataDirectory of its own", Assert.Single(Lines(output)));
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task Gateway_DataDirectoryInUse_SecondStopsNamingIt()
    {
        var file = Write("gateway.json", GatewayFile(ValidGateway()));
        using var stop = new CancellationTokenSource();
        var firstOutput = new StringWriter();
        var first = GatewayCommand.Runner(firstOutput, firstOutput).RunAsync(new FileInfo(file), stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!firstOutput.ToString().Contains("Gateway listening", StringComparison.Ordinal) && !first.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.False(first.IsCompleted, firstOutput.ToString());
        var error = new StringWriter();
        var code = await GatewayCommand.Runner(TextWriter.Null, error).RunAsync(new FileInfo(file), TestContext.Current.CancellationToken);

        await stop.CancelAsync();
        Assert.Equal(0, await first);
        Assert.Equal(2, code);
        Assert.StartsWith($"naqil gateway: Gateway:DataDirectory '{Data("gateway")}' is in use: another gateway holds", Assert.Single(Lines(error.ToString())), StringComparison.Ordinal);
    }

    /// <summary>A complete gateway section whose files exist; its trust configuration URL answers nothing, which a gateway survives.</summary>
    private string ValidGateway(string member = "SY/GOV/MOCT")
    {
        var tls = Pem("tls", [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")]);
        var signing = Pem("signing", null);
        return JsonSerializer.Serialize(new
        {
            Member = member,
            Code = "gw1",
            TrustConfigurationUrl = "http://127.0.0.1:1/trust/v1/config",
            AnchorFile = signing.Certificate,
            DataDirectory = Data("gateway"),
            TlsCertificateFile = tls.Certificate,
            TlsKeyFile = tls.Key,
            SigningCertificateFile = signing.Certificate,
            SigningKeyFile = signing.Key,
            ConsumerUrl = "http://127.0.0.1:0",
            ProviderUrl = "https://127.0.0.1:0",
            AdminToken = "0123456789abcdef0123",
        });
    }

    private (string Certificate, string Key) Pem(string name, Oid[]? usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=config test {name}", key, HashAlgorithmName.SHA256);
        if (usages is not null)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages], false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }

        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificateFile = Path.Combine(_work.FullName, $"{name}.crt");
        var keyFile = Path.Combine(_work.FullName, $"{name}.key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile);
    }

    private string Data(string name) => Path.Combine(_work.FullName, name);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_work.FullName, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static string GatewayFile(string gateway, bool indented = false) =>
        JsonSerializer.Serialize(new { Gateway = JsonSerializer.Deserialize<JsonElement>(gateway) }, new JsonSerializerOptions { WriteIndented = indented });

    private async Task<(int Code, string Output)> RunAsync(params string[] arguments)
    {
        await using var process = NaqilProcess.Start(_work.FullName, arguments);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var output = process.Output;
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        return (code, output);
    }

    /// <summary>The output's lines, leading spaces kept.</summary>
    private static string[] Lines(string output) => [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];

    public void Dispose()
    {
        try
        {
            _work.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Trust;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>One real gateway process-in-a-host: both faces on loopback ports, keys in PEM files.</summary>
internal sealed class GatewayNode : IAsyncDisposable
{
    private GatewayNode(string member, WebApplication app, X509Certificate2 tls, X509Certificate2 signing)
    {
        Member = member;
        App = app;
        Tls = tls;
        Signing = signing;
    }

    public string Member { get; }

    public WebApplication App { get; }

    public X509Certificate2 Tls { get; }

    public X509Certificate2 Signing { get; }

    public string ConsumerUrl => App.Services.GetRequiredService<GatewayEndpoints>().ConsumerUrl;

    public string ProviderUrl => App.Services.GetRequiredService<GatewayEndpoints>().ProviderUrl;

    public TrustState Trust => App.Services.GetRequiredService<TrustState>();

    internal Naqil.Gateway.MessageLog.MerkleMessageLog MessageLog => App.Services.GetRequiredService<Naqil.Gateway.MessageLog.MerkleMessageLog>();

    /// <summary>One heartbeat of the message log now (probe, tree head, timestamp, purge), as its timer would.</summary>
    public Task TickLogAsync() => App.Services.GetRequiredService<Naqil.Gateway.MessageLog.LogHeartbeat>().TickAsync(CancellationToken.None);

    public GatewayEntry Entry(string? address = null) =>
        new(Member, App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value.Code, address ?? ProviderUrl, Tls.RawData, Signing.RawData);

    /// <summary>What the gateway logged at Information and above.</summary>
    public CapturedLogs Logs { get; private init; } = new();

    public Task<bool> RefreshTrustAsync() => App.Services.GetRequiredService<TrustPoller>().RefreshAsync(CancellationToken.None);

    /// <summary>Starts a gateway for <paramref name="member"/>; <paramref name="tlsValidFor"/> is how long its TLS certificate is valid from now (default a year); <paramref name="logs"/> receives its log at every level.</summary>
    public static async Task<GatewayNode> StartAsync(string member, string directory, FakeRegistry registry, TimeProvider time, Func<GatewayOptions, GatewayOptions> configure, TimeSpan? tlsValidFor = null, ILoggerProvider? logs = null)
    {
        var name = member.Replace('/', '-');
        var tls = TestPki.CreateTlsCertificate($"{name} TLS", tlsValidFor);
        var signing = TestPki.CreateSigningCertificate($"{name} signing");
        var tlsFiles = TestPki.WritePem(tls, directory, "tls");
        var signingFiles = TestPki.WritePem(signing, directory, "signing");
        var options = configure(new GatewayOptions
        {
            Member = member,
            Code = "gw1",
            TrustConfigurationUrl = registry.ConfigUrl,
            AnchorFile = registry.WriteAnchor(directory),
            DataDirectory = Path.Combine(directory, "data"),
            TlsCertificateFile = tlsFiles.Certificate,
            TlsKeyFile = tlsFiles.Key,
            SigningCertificateFile = signingFiles.Certificate,
            SigningKeyFile = signingFiles.Key,
            ConsumerUrl = "http://127.0.0.1:0",
            ProviderUrl = "https://127.0.0.1:0",
            AdminToken = GatewayTestEnvironment.AdminToken,
            MaxBodyBytes = GatewayTestEnvironment.MaxBodyBytes,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            ResponseTimeout = TimeSpan.FromSeconds(2),
            TrustPollInterval = TimeSpan.FromSeconds(5),
        });
        if (options.SigningCertificateFile != signingFiles.Certificate)
        {
            // Configured with another signing certificate (its key in a token, say): that is the one the registry lists.
            signing.Dispose();
            signing = X509CertificateLoader.LoadCertificate(X509Certificate2.CreateFromPem(File.ReadAllText(options.SigningCertificateFile)).RawData);
        }

        if (options.TlsCertificateFile != tlsFiles.Certificate)
        {
            tls.Dispose();
            tls = X509CertificateLoader.LoadCertificate(X509Certificate2.CreateFromPem(File.ReadAllText(options.TlsCertificateFile)).RawData);
        }

        return await StartWithAsync(member, options, time, tls, signing, logs);
    }

    /// <summary>
    /// Stops this gateway and starts it again on the same configuration, keys and data directory,
    /// as an operator's restart would (its listeners get new ports). This node is disposed.
    /// </summary>
    public async Task<GatewayNode> RestartAsync()
    {
        var options = App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value;
        var time = App.Services.GetRequiredService<TimeProvider>();
        await App.StopAsync();
        await App.DisposeAsync();
        Tls.Dispose();
        Signing.Dispose();
        return await StartWithAsync(Member, options, time, X509Certificate2.CreateFromPemFile(options.TlsCertificateFile, options.TlsKeyFile),
            X509Certificate2.CreateFromPem(File.ReadAllText(options.SigningCertificateFile)), null);
    }

    private static async Task<GatewayNode> StartWithAsync(string member, GatewayOptions options, TimeProvider time, X509Certificate2 tls, X509Certificate2 signing, ILoggerProvider? logs)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var captured = new CapturedLogs();
        builder.Logging.AddProvider(captured);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        }

        builder.Services.AddSingleton(time);
        builder.AddNaqilGateway(options);
        var app = builder.Build();
        app.MapNaqilGateway();
        await app.StartAsync();
        return new GatewayNode(member, app, tls, signing) { Logs = captured };
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Tls.Dispose();
        Signing.Dispose();
    }
}

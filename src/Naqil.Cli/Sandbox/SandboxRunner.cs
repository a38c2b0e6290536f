using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Naqil.Agencies.CivilRegistry;
using Naqil.Agencies.Documents;
using Naqil.Agencies.Documents.Storage;
using Naqil.Agencies.Payments;
using Naqil.Agencies.Payments.Apis;
using Naqil.Agencies.Payments.Bus;
using Naqil.Registry.Certificates.Pki;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Apis;
using Naqil.Agencies.Postal.Exchange;
using Naqil.Agencies.Postal.Simulation;
using Naqil.Agencies.Regulator;
using Naqil.Agencies.Regulator.Apis;
using Naqil.Agencies.Regulator.Settlement;
using Naqil.Cli.Federation;
using Naqil.Cli.Hosting;
using Naqil.Configuration;
using Naqil.Gateway;
using Naqil.Gateway.Configuration;
using Naqil.Registry;
using Naqil.Registry.Certificates;

namespace Naqil.Cli.Sandbox;

/// <summary>
/// Runs the whole federation on one machine: each instance's registry (with its sandbox CA), the
/// sample agency backends, and a gateway per member — real Kestrel hosts on loopback, embedded
/// SQLite, keys and data kept under the state directory so a restart keeps the same identities.
/// </summary>
internal sealed class SandboxRunner : IAsyncDisposable
{
    private readonly List<WebApplication> _hosts = [];

    private readonly bool _timer;

    /// <summary>Where the keys that sign evidence are: files, or the state directory's SoftHSM2 token.</summary>
    private SandboxKeys _keys = SandboxKeys.Files;

    /// <summary>The posts' and the regulators' publishers, started once the gateways they publish through are up.</summary>
    private readonly List<Microsoft.Extensions.Hosting.BackgroundService> _publishers = [];

    private SandboxRunner(string stateDirectory, bool timer)
    {
        StateDirectory = stateDirectory;
        _timer = timer;
    }

    public string StateDirectory { get; }

    public SandboxManifest Manifest { get; private set; } = null!;

    /// <summary>Starts every component of <paramref name="plan"/> under <paramref name="stateDirectory"/>, on ports from <paramref name="portBase"/>; with <paramref name="timer"/> the posts' simulators move their items on as time passes (off for scripted demonstrations and tests).</summary>
    public static async Task<SandboxRunner> StartAsync(string stateDirectory, int portBase, SandboxPlan plan, CancellationToken cancellationToken, bool timer = true, bool keysInToken = false, string? pkcs11Module = null)
    {
        CheckPorts(plan, portBase);
        var runner = new SandboxRunner(Path.GetFullPath(stateDirectory), timer);
        try
        {
            if (keysInToken)
            {
                OwnerOnly.CreateDirectory(runner.StateDirectory);
                runner._keys = SandboxKeys.Pkcs11(runner.StateDirectory, pkcs11Module);
            }

            await runner.StartAllAsync(portBase, plan, cancellationToken);
            return runner;
        }
        catch
        {
            await runner.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(int portBase, SandboxPlan plan, CancellationToken cancellationToken)
    {
        OwnerOnly.CreateDirectory(StateDirectory);
        var instances = new Dictionary<string, InstanceEndpoints>(StringComparer.Ordinal);
        var gateways = new Dictionary<string, GatewayEndpointsManifest>(StringComparer.Ordinal);
        var backends = new Dictionary<string, string>(StringComparer.Ordinal);
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        var configured = new List<GatewayOptions>();
        var pki = new Dictionary<string, PkiManifest>(StringComparer.Ordinal);

        // 1. Each instance: its registry, its backends, and everything registered at the registry.
        foreach (var instance in plan.Instances)
        {
            var instanceDirectory = Path.Combine(StateDirectory, instance.Code);
            var registryUrl = Url("http", portBase + instance.RegistryPort);
            var tokenFile = Path.Combine(instanceDirectory, "registry", "admin-token");
            var registryToken = tokens[instance.Code] = SandboxSecrets.Token(tokenFile);
            var registry = await StartRegistryAsync(instance.Code, Path.Combine(instanceDirectory, "registry"), registryToken, registryUrl, cancellationToken);
            var anchorFile = Path.Combine(instanceDirectory, "anchor.pem");
            await File.WriteAllTextAsync(anchorFile, registry.Services.GetRequiredService<RegistryKeys>().ExportAnchorPem(), cancellationToken);
            instances[instance.Code] = new InstanceEndpoints(registryUrl, $"{registryUrl}/trust/v1/config", anchorFile, tokenFile);

            var ca = registry.Services.GetRequiredService<ICertificateAuthority>();
            using var admin = new RegistryAdminClient(registryUrl, registryToken);
            foreach (var member in instance.Members)
            {
                await admin.PutMemberAsync(member.Id, member.Name);
                foreach (var subsystem in member.Subsystems)
                {
                    await admin.PutSubsystemAsync($"{member.Id}/{subsystem}");
                }
            }

            // Backends once their members are registered: the civil registry's seal names its member.
            foreach (var backend in instance.Backends)
            {
                var backendUrl = Url("http", portBase + backend.Port);
                var publishThrough = backend.Gateway is null ? null : new Uri(Url("http", portBase + instance.Gateways.Single(g => g.Member == backend.Gateway).ConsumerPort));
                var partners = plan.Federations.Where(f => f.A == instance.Code || f.B == instance.Code).Select(f => f.A == instance.Code ? f.B : f.A).ToArray();
                var context = new BackendContext(Path.Combine(instanceDirectory, "backends", backend.Name), publishThrough, partners, registry.Services, registryUrl, instance.Members) { Keys = _keys };
                await StartBackendAsync(backend.Name, backendUrl, context, cancellationToken);
                backends[backend.Name] = backendUrl;
            }

            pki[instance.Code] = PkiManifest.From(registry.Services.GetRequiredService<RegistryPki>());

            foreach (var gateway in instance.Gateways)
            {
                var (options, manifest) = await ConfigureGatewayAsync(admin, ca, _keys, instanceDirectory, registryUrl, anchorFile, portBase, gateway, backends, cancellationToken);
                gateways[gateway.Member] = manifest;
                configured.Add(options);
            }
        }

        // 2. Federations: each registry imports the other's anchor, as two operators would (docs/operations.md).
        foreach (var (a, b) in plan.Federations)
        {
            var anchorOfA = await AnchorDocument.FetchAsync(instances[a].Registry, null, cancellationToken);
            var anchorOfB = await AnchorDocument.FetchAsync(instances[b].Registry, null, cancellationToken);
            await anchorOfB.ImportAsync(instances[a].Registry, tokens[a], cancellationToken);
            await anchorOfA.ImportAsync(instances[b].Registry, tokens[b], cancellationToken);
        }

        // 3. Topics and their subscribers, once partners are known (a subscriber may be a partner's).
        foreach (var instance in plan.Instances)
        {
            using var admin = new RegistryAdminClient(instances[instance.Code].Registry, tokens[instance.Code]);
            foreach (var topic in instance.Gateways.SelectMany(g => g.Topics ?? []))
            {
                await admin.PutTopicAsync(topic.Id, personalData: false, topic.Description);
                foreach (var subscriber in topic.Subscribers)
                {
                    await admin.PutSubscriptionAsync(topic.Id, subscriber);
                }
            }
        }

        // 4. Gateways, once their registries list every peer, partner and subscription, so their first poll sees them all.
        foreach (var options in configured)
        {
            await StartGatewayAsync(options, cancellationToken);
        }

        // 5. The posts' publishers, now that their gateways take events.
        foreach (var publisher in _publishers)
        {
            await publisher.StartAsync(cancellationToken);
        }

        var examples = plan.Examples.Select(e => Example(e, gateways)).ToList();
        var portal = gateways["SY/GOV/MOCT"];
        examples.Add(new SandboxExample("signed-extract",
            "A certified extract of a person's civil record, issued by the Civil Registry through the bus and sealed (PAdES B-LT: its seal, a timestamp, the CRLs), written to extract.pdf",
            $"curl -sS -f -X POST -H 'Naqil-Client: SY/GOV/MOCT/portal' -H 'Naqil-Purpose: certificate-issuance' -H 'Content-Type: application/json' --data '{{\"nationalId\":\"{SandboxPlan.ExamplePerson}\"}}' -o extract.pdf {portal.Consumer}/r1/SY/GOV/CIVREG/registry/extracts/extracts"));
        examples.Add(new SandboxExample("verify-extract",
            "Anyone can verify the extract: upload extract.pdf (from signed-extract) to the Civil Registry's verification endpoint, which validates its seal against the instance's root and looks up its record (TOTAL-PASSED, issuedDocument match)",
            $"curl -sS -X POST -H 'Content-Type: application/pdf' --data-binary @extract.pdf {backends["civil-registry"]}/documents/verify"));
        var post = gateways["SY/GOV/POST"];
        examples.Add(new SandboxExample("event-deliveries", "Syrian Post's gateway: the event subscriptions it delivers to (Iraqi Post), how many were delivered and how far behind it is",
            $"curl -sS -H \"Authorization: Bearer $(cat {post.AdminTokenFile})\" {post.Consumer}/admin/v1/events/subscriptions"));
        examples.Add(SandboxPayments.Example(portal.Consumer));
        examples.AddRange(RegulatorGateways.Examples.Select(e => Example(e, gateways)));
        Manifest = new SandboxManifest
        {
            Registry = instances[plan.Instances[0].Code].Registry,
            Instances = instances,
            Gateways = gateways,
            Backends = backends,
            Example = examples[0].Command,
            Examples = examples,
            Pki = pki,
            Keys = _keys.Manifest(),
        };
        Manifest.Write(StateDirectory);
    }

    /// <summary>Issues a gateway's certificates, registers it and its services, and writes its configuration file.</summary>
    private static async Task<(GatewayOptions Options, GatewayEndpointsManifest Manifest)> ConfigureGatewayAsync(RegistryAdminClient admin, ICertificateAuthority ca, SandboxKeys keys, string instanceDirectory,
        string registryUrl, string anchorFile, int portBase, GatewayPlan gateway, Dictionary<string, string> backends, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(instanceDirectory, "gateways", gateway.Member.Replace('/', '-'));
        var tls = keys.Certificate(directory, "tls", $"{gateway.Member} gateway TLS", CertificateKind.Tls, ca);
        var signing = keys.Certificate(directory, "signing", $"{gateway.Member} gateway signing", CertificateKind.Signing, ca);
        var options = new GatewayOptions
        {
            Member = gateway.Member,
            Code = "gw1",
            TrustConfigurationUrl = $"{registryUrl}/trust/v1/config",
            AnchorFile = anchorFile,
            DataDirectory = Path.Combine(directory, "data"),
            TlsCertificateFile = tls.Certificate,
            TlsKeyFile = tls.Key,
            SigningCertificateFile = signing.Certificate,
            SigningKeyFile = signing.Key,
            ConsumerUrl = Url("http", portBase + gateway.ConsumerPort),
            ProviderUrl = Url("https", portBase + gateway.ProviderPort),
            AdminToken = SandboxSecrets.Token(Path.Combine(directory, "admin-token")),
            TrustPollInterval = TimeSpan.FromSeconds(5),
            AllowedPartners = gateway.AllowedPartners ?? [],
            Clients = [.. gateway.Clients.Select(c => new ClientOptions { Subsystem = c, AllowUnauthenticatedLoopback = true })],
            Services = [.. gateway.Services.Select(s => new ProvidedServiceOptions { Service = s.Id, Backend = backends[s.Backend] })],
            Acl =
            [
                .. gateway.Services.SelectMany(s => s.AllowedClients.Select(c => new AclRuleOptions { Service = s.Id, Client = c })),
                .. (gateway.Topics ?? []).SelectMany(t => t.Subscribers.Select(c => new AclRuleOptions { Service = t.Id, Client = c })),
            ],
            Subscriptions = [.. (gateway.Subscriptions ?? []).Select(s => new SubscriptionOptions { Topic = s.Topic, Subscriber = s.Subscriber, Endpoint = backends[s.Backend] + s.Path })],
            // A partner back from a pause is caught up within seconds, not the production minute.
            Events = new EventDeliveryOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(5) },
        };
        foreach (var service in gateway.Services)
        {
            await admin.PutServiceAsync(service.Id, service.PersonalData, service.Description, service.OpenApi);
        }

        await admin.PutGatewayAsync(gateway.Member, options.Code, options.ProviderUrl, await File.ReadAllTextAsync(tls.Certificate, cancellationToken), await File.ReadAllTextAsync(signing.Certificate, cancellationToken));
        var configFile = Path.Combine(directory, "gateway.json");
        // It holds the admin token: owner-only, like the token's own file.
        OwnerOnly.WriteAllText(configFile, JsonSerializer.Serialize(new { Gateway = options }, SandboxManifest.Json));
        return (options, new GatewayEndpointsManifest(options.ConsumerUrl, options.ProviderUrl, Path.Combine(directory, "admin-token"), configFile));
    }

    private static SandboxExample Example(ExamplePlan example, Dictionary<string, GatewayEndpointsManifest> gateways)
    {
        var consumer = gateways[string.Join('/', example.Client.Split('/')[..3])].Consumer;
        return new SandboxExample(example.Name, example.Description,
            $"curl -sS -i -H 'Naqil-Client: {example.Client}' {example.ExtraHeaders}{consumer}/r1/{example.Service}{example.Path}");
    }

    private async Task<WebApplication> StartRegistryAsync(string instance, string dataDirectory, string token, string url, CancellationToken cancellationToken)
    {
        var builder = ComponentHost.CreateBuilder();
        builder.Services.AddNaqilRegistry(new RegistryOptions { Instance = instance, DataDirectory = dataDirectory, AdminToken = token, Url = url, PublicUrl = url, Keys = _keys.Registry(instance) });
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.MapNaqilRegistry();
        await StartAsync(app, cancellationToken);
        return app;
    }

    private async Task StartBackendAsync(string name, string url, BackendContext context, CancellationToken cancellationToken)
    {
        var builder = ComponentHost.CreateBuilder();
        builder.WebHost.UseUrls(url);
        // Arabic names read as Arabic in the JSON, not as \u escapes.
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All));
        var post = name switch
        {
            "sy-post-ems" => Posts.Syria,
            "iq-post-ems" => Posts.Iraq,
            _ => null,
        };
        if (post is not null)
        {
            OwnerOnly.CreateDirectory(context.Directory);
            builder.Services.AddPostal(post, new PostalStorageOptions { DatabaseFile = Path.Combine(context.Directory, "postal.db") }, PostalExchangeOptions.For(post, context.Gateway, context.Partners) with { HostPublisher = false });
            if (_timer)
            {
                builder.Services.AddPostalSimulator(new PostalSimulatorOptions { Partner = context.Partners.FirstOrDefault() ?? "" });
            }
        }

        var regulator = name switch
        {
            "sy-regulator" => Regulators.Syria,
            "iq-regulator" => Regulators.Iraq,
            _ => null,
        };
        if (regulator is not null)
        {
            OwnerOnly.CreateDirectory(context.Directory);
            var partners = context.Partners.Select(Regulators.Of).OfType<RegulatorProfile>().ToArray();
            builder.Services.AddRegulator(regulator, new RegulatorStorageOptions { DatabaseFile = Path.Combine(context.Directory, "regulator.db") },
                SettlementExchangeOptions.For(regulator, context.Gateway, partners) with { HostPublisher = false });
        }

        if (name == "civil-registry")
        {
            const string civilRegistry = "SY/GOV/CIVREG";
            var memberName = context.Members.Single(m => m.Id == civilRegistry).Name;
            builder.Services.AddSingleton(await SandboxDocuments.ExtractIssuerOptionsAsync(context, civilRegistry, memberName, url, cancellationToken));
            builder.Services.TryAddSingleton(TimeProvider.System);
            builder.Services.AddSingleton<ExtractIssuer>();
            builder.Services.AddIssuedDocuments(new IssuedDocumentStorageOptions { DatabaseFile = Path.Combine(context.Directory, "documents.db") });
            SandboxPayments.AddConfirmation(builder.Services, context);
        }

        if (name == "payments")
        {
            SandboxPayments.AddService(builder.Services, context, url);
        }

        var app = builder.Build();
        switch (name)
        {
            case "civil-registry":
                app.MapCivilRegistry();
                app.MapDocumentVerification(new DocumentVerificationOptions { TrustAnchors = SandboxDocuments.TrustAnchors(context) });
                app.MapPaymentEvents();
                break;
            case "sy-post-ems" or "iq-post-ems":
                var postal = app.Services.GetRequiredService<PostalService>();
                await postal.InitializeAsync(cancellationToken);
                await SyntheticItems.SeedAsync(postal, cancellationToken);
                app.MapPostalApi();
                _publishers.Add(app.Services.GetRequiredService<PostalPublisher>());
                break;
            case "sy-regulator" or "iq-regulator":
                var registers = app.Services.GetRequiredService<RegulatorService>();
                await registers.InitializeAsync(cancellationToken);
                await SyntheticRegister.SeedAsync(registers, cancellationToken);
                app.MapRegulatorApi();
                _publishers.Add(app.Services.GetRequiredService<SettlementPublisher>());
                break;
            case "payments":
                await app.Services.GetRequiredService<PaymentService>().InitializeAsync(cancellationToken);
                app.MapPaymentsApi();
                _publishers.Add(app.Services.GetRequiredService<PostalPublisher>());
                break;
            default:
                throw new SandboxException($"the sandbox plan names an unknown backend '{name}'");
        }

        await StartAsync(app, cancellationToken);
    }

    private async Task StartGatewayAsync(GatewayOptions options, CancellationToken cancellationToken)
    {
        var builder = ComponentHost.CreateBuilder();
        builder.AddNaqilGateway(options);
        var app = builder.Build();
        app.MapNaqilGateway();
        await StartAsync(app, cancellationToken);
    }

    private async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        _hosts.Add(app);
        await app.StartAsync(cancellationToken);
    }

    private static void CheckPorts(SandboxPlan plan, int portBase)
    {
        var ports = new List<(int Port, string What)>();
        foreach (var instance in plan.Instances)
        {
            ports.Add((portBase + instance.RegistryPort, $"the {instance.Code} registry"));
            ports.AddRange(instance.Backends.Select(b => (portBase + b.Port, $"the {b.Name} backend")));
            foreach (var gateway in instance.Gateways)
            {
                ports.Add((portBase + gateway.ConsumerPort, $"the consumer face of {gateway.Member}'s gateway"));
                ports.Add((portBase + gateway.ProviderPort, $"the provider face of {gateway.Member}'s gateway"));
            }
        }

        foreach (var (port, what) in ports)
        {
            if (port is < 1 or > 65535)
            {
                throw new SandboxException($"--port-base {portBase} puts {what} on port {port}, outside 1-65535; choose a port base such as 4100");
            }

            if (ComponentHost.CheckPortFree(port) is { } reason)
            {
                throw new SandboxException($"port {port} ({what}) is {reason}; stop what uses it or start with --port-base {NextBase(portBase)} (the sandbox uses ports {portBase} to {portBase + ports.Max(p => p.Port) - portBase})");
            }
        }
    }

    private static int NextBase(int portBase) => portBase + 1000 <= 64000 ? portBase + 1000 : 4100;

    private static string Url(string scheme, int port) => $"{scheme}://127.0.0.1:{port}";

    public async ValueTask DisposeAsync()
    {
        foreach (var publisher in _publishers)
        {
            await publisher.StopAsync(CancellationToken.None);
        }

        _publishers.Clear();
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            try
            {
                await _hosts[i].StopAsync(CancellationToken.None);
            }
            finally
            {
                await _hosts[i].DisposeAsync();
            }
        }

        _hosts.Clear();
    }
}

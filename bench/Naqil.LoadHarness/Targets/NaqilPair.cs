using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Naqil.LoadHarness.Processes;

namespace Naqil.LoadHarness.Targets;

/// <summary>
/// The backend behind a Naqil consumer and provider gateway, each its own <c>naqil gateway --config</c>
/// process, trusting a <c>naqil registry --config</c> of its own that the harness fills through the
/// registry's admin API (members, subsystems, the service, gateway certificates issued from CSRs by
/// the registry's sandbox CA) — the way an operator would set one up, in a temp folder. Events go
/// the same way across: the consumer side's client publishes <see cref="Paths.Topic"/> on its
/// gateway, which delivers to the provider side's gateway, which posts each event to the
/// backend's <c>POST /events</c>.
/// </summary>
internal static class NaqilPair
{
    private const string Instance = "SY";

    /// <summary>
    /// A Naqil variant's own registry (and so its own trust configuration and sandbox TSA): a
    /// consumer gateway spreads its exchanges round-robin over every gateway registered for the
    /// provider's member, so variants sharing one registry would cross into each other's gateways.
    /// </summary>
    internal sealed record Registry(string Url, string AnchorFile, string AdminToken, ChildProcess Process);

    public static async Task<Registry> StartRegistryAsync(Workspace workspace, string naqil, string name)
    {
        var folder = workspace.Folder(name);
        var url = $"http://127.0.0.1:{Workspace.FreePort()}";
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var config = Path.Combine(folder, "registry.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            // PublicUrl makes the registry publish its own sandbox TSA (at /tsa) in the trust configuration.
            Registry = new { Instance, DataDirectory = Path.Combine(folder, "data"), AdminToken = token, Url = url, PublicUrl = url, ConfigurationLifetime = "00:10:00" },
        }));
        var process = workspace.StartDotnet(name, naqil, ["registry", "--config", config]);
        await Workspace.WaitHealthyAsync(process, $"{url}/health", TimeSpan.FromSeconds(60));

        using var admin = Admin(url, token);
        await PutAsync(admin, "admin/v1/members/SY/GOV/MOCT", new { name = "Ministry of Communications and Technology" });
        await PutAsync(admin, "admin/v1/members/SY/GOV/CIVREG", new { name = "Civil Registry" });
        await PutAsync(admin, "admin/v1/subsystems/SY/GOV/MOCT/portal", new { });
        await PutAsync(admin, "admin/v1/subsystems/SY/GOV/CIVREG/registry", new { });
        await PutAsync(admin, $"admin/v1/services/{Paths.Service}", new { personalData = true, description = "Persons in the civil registry (load harness)", openApi = (string?)null });
        await PutAsync(admin, $"admin/v1/subsystems/{Load.PaymentLoad.Subsystem}", new { });
        await PutAsync(admin, $"admin/v1/services/{Load.PaymentLoad.Service}", new { personalData = true, description = "Payment intents (load harness)", openApi = (string?)null });
        await PutAsync(admin, $"admin/v1/topics/{Paths.Topic}", new { personalData = false, description = "Notices from the portal (load harness)" });
        await PutAsync(admin, $"admin/v1/topics/{Paths.Topic}/subscribers/{Paths.Subscriber}", new { });
        var anchorFile = Path.Combine(folder, "anchor.pem");
        await File.WriteAllTextAsync(anchorFile, await admin.GetStringAsync("trust/v1/anchor"));
        return new Registry(url, anchorFile, token, process);
    }

    /// <summary>
    /// Starts a consumer and a provider gateway for one variant. The variant's settings are extra
    /// <c>Gateway</c> keys (<c>MessageLog:Storage=sqlite</c>) written into both gateways' config files;
    /// a variant on the harness's own PostgreSQL (<see cref="NaqilVariant.UsesHarnessPostgres"/>)
    /// gets a database of its own per gateway on <paramref name="postgres"/>.
    /// </summary>
    public static async Task<Target> StartAsync(Workspace workspace, string naqil, Registry registry, MeasuredProcess backend, string backendUrl,
        NaqilVariant variant, int index, PostgresServer? postgres = null, string? paymentsUrl = null)
    {
        if (variant.UsesHarnessPostgres && postgres is null)
        {
            throw new HarnessException($"{variant.Name} logs to PostgreSQL without a connection string, and the harness runs no PostgreSQL server");
        }

        using var admin = Admin(registry.Url, registry.AdminToken);
        var consumerCode = $"gw{index}c";
        var providerCode = $"gw{index}p";
        var consumer = await ConfigureAsync(workspace, admin, registry, variant, postgres, "SY/GOV/MOCT", consumerCode, gateway =>
        {
            gateway.Add("Clients", new JsonArray(new JsonObject { ["Subsystem"] = Paths.Client, ["AllowUnauthenticatedLoopback"] = true }));
            // The publisher's gateway lets the subscriber receive the topic.
            gateway.Add("Acl", new JsonArray(new JsonObject { ["Service"] = Paths.Topic, ["Client"] = Paths.Subscriber }));
        });
        var provider = await ConfigureAsync(workspace, admin, registry, variant, postgres, "SY/GOV/CIVREG", providerCode, gateway =>
        {
            gateway.Add("Services", new JsonArray(new JsonObject { ["Service"] = Paths.Service, ["Backend"] = backendUrl }));
            gateway.Add("Acl", new JsonArray(new JsonObject { ["Service"] = Paths.Service, ["Client"] = Paths.Client }));
            if (paymentsUrl is not null)
            {
                gateway["Services"]!.AsArray().Add(new JsonObject { ["Service"] = Load.PaymentLoad.Service, ["Backend"] = paymentsUrl });
                gateway["Acl"]!.AsArray().Add(new JsonObject { ["Service"] = Load.PaymentLoad.Service, ["Client"] = Paths.Client });
            }
            gateway.Add("Subscriptions", new JsonArray(new JsonObject { ["Topic"] = Paths.Topic, ["Subscriber"] = Paths.Subscriber, ["Endpoint"] = backendUrl + Paths.BackendEvents }));
        });

        // Both are registered before either starts, so the first poll already sees its peer.
        var providerProcess = workspace.StartDotnet($"{variant.Name}-provider-gw", naqil, ["gateway", "--config", provider.ConfigFile]);
        var consumerProcess = workspace.StartDotnet($"{variant.Name}-consumer-gw", naqil, ["gateway", "--config", consumer.ConfigFile]);
        await Workspace.WaitHealthyAsync(consumerProcess, $"{consumer.ConsumerUrl}/health", TimeSpan.FromSeconds(60));
        await Workspace.WaitHealthyAsync(providerProcess, $"{provider.ConsumerUrl}/health", TimeSpan.FromSeconds(60));
        await WaitExchangingAsync(consumer.ConsumerUrl + Paths.NaqilGet, consumerProcess, providerProcess);
        var settings = variant.Settings.Count == 0 ? "" : "; " + string.Join(", ", variant.Settings.Select(s => $"Gateway:{s.Key}={s.Value}"));
        if (variant.KeysInToken)
        {
            settings += "; both gateways' signing keys in a SoftHSM2 token (PKCS#11), TLS keys in files";
        }

        if (variant.UsesHarnessPostgres)
        {
            settings += $", each gateway's log in a database of its own on the harness's {postgres!.Version}";
        }

        return new Target
        {
            Name = variant.Name,
            Description = $"backend behind a Naqil consumer and provider gateway (two `naqil gateway` processes, mutual TLS 1.3, RFC 9421 both ways{settings})",
            BaseUrl = consumer.ConsumerUrl,
            GetPath = Paths.NaqilGet,
            PostPath = Paths.NaqilPost,
            Faces = new NaqilFaces(consumer.ConsumerUrl, provider.ProviderUrl, registry.Url, registry.AdminToken, consumer.TlsCertificate, consumer.TlsKey),
            Deployment = new NaqilDeployment(naqil, registry,
                new NaqilGateway("consumer-gw", consumer.ConfigFile, consumer.ConsumerUrl, consumer.AdminToken, consumerProcess),
                new NaqilGateway("provider-gw", provider.ConfigFile, provider.ConsumerUrl, provider.AdminToken, providerProcess),
                variant.UsesHarnessPostgres ? postgres : null),
            Processes =
            [
                backend,
                new MeasuredProcess("consumer-gw", consumerProcess, IsGateway: true),
                new MeasuredProcess("provider-gw", providerProcess, IsGateway: true),
            ],
        };
    }

    /// <summary>Both gateways healthy is not yet an exchange: wait until one goes through end to end.</summary>
    private static async Task WaitExchangingAsync(string url, params ChildProcess[] processes)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var last = "";
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                throw new HarnessException($"{dead.Name} exited while starting; its log ({dead.LogFile}) ends with:\n{dead.Tail()}");
            }

            try
            {
                using var request = Load.HttpLoad.Request(url, null);
                using var response = await http.SendAsync(request);
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

            await Task.Delay(500);
        }

        throw new HarnessException($"no exchange went through {url} within 30 s; last answer: {last}; logs: {string.Join(", ", processes.Select(p => p.LogFile))}");
    }

    private sealed record Configured(string ConfigFile, string ConsumerUrl, string ProviderUrl, string TlsCertificate, string TlsKey, string AdminToken);

    private static async Task<Configured> ConfigureAsync(Workspace workspace, HttpClient admin, Registry registry, NaqilVariant variant, PostgresServer? postgres,
        string member, string code, Action<JsonObject> add)
    {
        var folder = workspace.Folder($"{variant.Name}-{member.Replace('/', '-')}-{code}");
        var tls = await IssueAsync(admin, folder, "tls", $"{member} {code} TLS");
        var signing = variant.KeysInToken
            ? await IssueInTokenAsync(admin, workspace, folder, $"{variant.Name}-{member.Replace('/', '-')}-{code}-signing", $"{member} {code} signing")
            : await IssueAsync(admin, folder, "signing", $"{member} {code} signing");
        var consumerUrl = $"http://127.0.0.1:{Workspace.FreePort()}";
        var providerUrl = $"https://127.0.0.1:{Workspace.FreePort()}";
        await PutAsync(admin, $"admin/v1/gateways/{member}/{code}", new
        {
            address = providerUrl,
            tlsCertificate = await File.ReadAllTextAsync(tls.Certificate),
            signingCertificate = await File.ReadAllTextAsync(signing.Certificate),
        });
        var gateway = new JsonObject
        {
            ["Member"] = member,
            ["Code"] = code,
            ["TrustConfigurationUrl"] = $"{registry.Url}/trust/v1/config",
            ["AnchorFile"] = registry.AnchorFile,
            ["DataDirectory"] = Path.Combine(folder, "data"),
            ["TlsCertificateFile"] = tls.Certificate,
            ["TlsKeyFile"] = tls.Key,
            ["SigningCertificateFile"] = signing.Certificate,
            ["SigningKeyFile"] = signing.Key,
            ["ConsumerUrl"] = consumerUrl,
            ["ProviderUrl"] = providerUrl,
            ["AdminToken"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            ["TrustPollInterval"] = "00:00:05",
            // A token every 2 s instead of every 60 s: a TSA outage of a few seconds (the fault
            // phase) then always meets a timestamping attempt. One loopback request per 2 s.
            ["MessageLog"] = new JsonObject { ["TimestampInterval"] = "00:00:02" },
            // Retries of a failed event delivery back off up to 2 s instead of 60 s: the event-fault
            // phase measures how soon a backlog drains once the process is back, not the backoff.
            ["Events"] = new JsonObject { ["RetryDelay"] = "00:00:00.500", ["MaxRetryDelay"] = "00:00:02" },
        };
        add(gateway);
        foreach (var (key, value) in variant.Settings)
        {
            Set(gateway, key, Environment.ExpandEnvironmentVariables(value)
                .Replace("{data}", Path.Combine(folder, "data"), StringComparison.Ordinal).Replace("{gateway}", code, StringComparison.Ordinal));
        }

        if (variant.UsesHarnessPostgres)
        {
            // Two gateways cannot share one log: the store locks its tree state against a second writer.
            Set(gateway, "MessageLog:ConnectionString", await postgres!.CreateDatabaseAsync($"naqil_{code}"));
        }

        var configFile = Path.Combine(folder, "gateway.json");
        await File.WriteAllTextAsync(configFile, new JsonObject { ["Gateway"] = gateway }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new Configured(configFile, consumerUrl, providerUrl, tls.Certificate, tls.Key, (string)gateway["AdminToken"]!);
    }

    /// <summary>Sets <c>A:B:C</c> in nested objects; configuration binding reads every value from text.</summary>
    private static void Set(JsonObject root, string key, string value)
    {
        var parts = key.Split(':');
        var node = root;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                node[part] = child = [];
            }

            node = child;
        }

        node[parts[^1]] = value;
    }

    /// <summary>A signing key made in the harness's SoftHSM2 token and its certificate; the "key" returned is its pkcs11: URI.</summary>
    private static async Task<(string Certificate, string Key)> IssueInTokenAsync(HttpClient admin, Workspace workspace, string folder, string label, string subject)
    {
        using var key = Naqil.Keys.Pkcs11KeyAdmin.Generate(HarnessToken.For(workspace).ForObject(label));
        var certificate = await RequestAsync(admin, "signing", CsrFor(key, "signing", subject));
        var certificateFile = Path.Combine(folder, "signing.crt");
        await File.WriteAllTextAsync(certificateFile, certificate);
        return (certificateFile, key.Reference);
    }

    private static string CsrFor(ECDsa key, string kind, string subject)
    {
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        if (kind == "tls")
        {
            var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        return request.CreateSigningRequestPem();
    }

    private static async Task<string> RequestAsync(HttpClient admin, string kind, string csr)
    {
        using var response = await admin.PostAsJsonAsync("admin/v1/certificates", new { csr, kind });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HarnessException($"the registry refused to issue a {kind} certificate: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("certificate").GetString()!;
    }

    private static async Task<(string Certificate, string Key)> IssueAsync(HttpClient admin, string folder, string kind, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var certificate = await RequestAsync(admin, kind, CsrFor(key, kind, subject));
        var certificateFile = Path.Combine(folder, $"{kind}.crt");
        var keyFile = Path.Combine(folder, $"{kind}.key");
        await File.WriteAllTextAsync(certificateFile, certificate);
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (certificateFile, keyFile);
    }

    private static HttpClient Admin(string url, string token) => new()
    {
        BaseAddress = new Uri(url + "/"),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };

    private static async Task PutAsync(HttpClient admin, string path, object body)
    {
        using var response = await admin.PutAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            throw new HarnessException($"the registry refused PUT /{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}

/// <summary>
/// A Naqil configuration to measure: a name and extra <c>Gateway</c> settings, e.g.
/// <c>naqil-sqlite:MessageLog:Storage=sqlite</c>. <c>%VAR%</c> in a value expands an environment
/// variable; then <c>{data}</c> is the gateway's data folder and <c>{gateway}</c> its code (<c>gw2c</c>).
/// </summary>
internal sealed record NaqilVariant(string Name, IReadOnlyList<KeyValuePair<string, string>> Settings, bool KeysInToken = false)
{
    /// <summary>The pseudo-setting <c>Keys=pkcs11</c>: both gateways' signing keys in a SoftHSM2 token of the harness's (docs/keys.md), not a Gateway key.</summary>
    private const string KeysSetting = "Keys";

    public static NaqilVariant Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? text : text[..colon];
        var settings = new List<KeyValuePair<string, string>>();
        if (colon >= 0)
        {
            foreach (var pair in text[(colon + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new HarnessException($"--naqil-variant '{text}': '{pair}' is not KEY=VALUE (keys are Gateway settings, e.g. MessageLog:Storage=sqlite)");
                }

                settings.Add(new(pair[..equals], pair[(equals + 1)..]));
            }
        }

        var keys = settings.FirstOrDefault(s => s.Key.Equals(KeysSetting, StringComparison.OrdinalIgnoreCase));
        if (keys.Key is not null && !keys.Value.Equals("pkcs11", StringComparison.OrdinalIgnoreCase) && !keys.Value.Equals("files", StringComparison.OrdinalIgnoreCase))
        {
            throw new HarnessException($"--naqil-variant '{text}': Keys is '{keys.Value}'; write Keys=pkcs11 (signing keys in SoftHSM2) or Keys=files");
        }

        return new NaqilVariant(name, [.. settings.Where(s => !s.Key.Equals(KeysSetting, StringComparison.OrdinalIgnoreCase))],
            keys.Value?.Equals("pkcs11", StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <summary>The PostgreSQL variant measured by default when the harness finds PostgreSQL's programs.</summary>
    public static readonly NaqilVariant Postgres = new("naqil-postgres", [new("MessageLog:Storage", "postgresql")]);

    /// <summary>
    /// PostgreSQL storage with no connection string: the harness runs the server and gives each
    /// gateway a database of its own.
    /// </summary>
    public bool UsesHarnessPostgres =>
        Settings.Any(s => s.Key.Equals("MessageLog:Storage", StringComparison.OrdinalIgnoreCase) && s.Value.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        && !Settings.Any(s => s.Key.Equals("MessageLog:ConnectionString", StringComparison.OrdinalIgnoreCase));
}

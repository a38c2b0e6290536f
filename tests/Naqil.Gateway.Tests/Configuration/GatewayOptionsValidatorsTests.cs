using Naqil.Gateway.Configuration;
using Naqil.Gateway.Configuration.Validation;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Configuration;

/// <summary>Each concern's validator: the valid configuration passes it, and each wrong value fails it with the key named.</summary>
public sealed class GatewayOptionsValidatorsTests : IClassFixture<GatewayOptionsValidatorsTests.PemFiles>
{
    private readonly GatewayOptions _valid;

    public GatewayOptionsValidatorsTests(PemFiles files) => _valid = files.Valid;

    private const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly Dictionary<string, (IGatewayOptionsValidator Validator, Func<GatewayOptions, GatewayOptions> Break, string Expected)> Table = new()
    {
        ["member"] = (new IdentityValidator(), o => o with { Member = "SY/GOV" }, "Gateway:Member: "),
        ["code"] = (new IdentityValidator(), o => o with { Code = "gw 1" }, "Gateway:Code: "),
        ["partner not an instance"] = (new IdentityValidator(), o => o with { AllowedPartners = ["IQ", "iraq"] }, "Gateway:AllowedPartners:1: "),
        ["partner is own instance"] = (new IdentityValidator(), o => o with { AllowedPartners = ["SY"] }, "Gateway:AllowedPartners:0 names this gateway's own instance SY"),
        ["trust url"] = (new AddressesValidator(), o => o with { TrustConfigurationUrl = "registry.sy/trust" }, "Gateway:TrustConfigurationUrl is 'registry.sy/trust'; it must be an absolute http or https URL"),
        ["consumer url"] = (new AddressesValidator(), o => o with { ConsumerUrl = "ftp://127.0.0.1:21" }, "Gateway:ConsumerUrl is 'ftp://127.0.0.1:21'"),
        ["provider url http"] = (new AddressesValidator(), o => o with { ProviderUrl = "http://127.0.0.1:8443" }, "Gateway:ProviderUrl is 'http://127.0.0.1:8443'; it must be an absolute https URL"),
        ["provider url host name"] = (new AddressesValidator(), o => o with { ProviderUrl = "https://gw.example:8443" }, "Gateway:ProviderUrl is 'https://gw.example:8443'; a listener needs an IP address"),
        ["anchor missing"] = (new KeyFilesValidator(), o => o with { AnchorFile = "/nonexistent/anchor.pem" }, "Gateway:AnchorFile is '/nonexistent/anchor.pem', which is not an existing file"),
        ["anchor not pem"] = (new KeyFilesValidator(), o => o with { AnchorFile = o.TlsKeyFile }, "Gateway:AnchorFile: "),
        ["tls key missing"] = (new KeyFilesValidator(), o => o with { TlsKeyFile = "" }, "Gateway:TlsKeyFile is ''"),
        ["signing key of another certificate"] = (new KeyFilesValidator(), o => o with { SigningKeyFile = o.TlsKeyFile }, "Gateway:SigningCertificateFile with Gateway:SigningKeyFile: "),
        ["data directory"] = (new StorageValidator(), o => o with { DataDirectory = " " }, "Gateway:DataDirectory is empty"),
        ["storage"] = (new StorageValidator(), o => o with { MessageLog = o.MessageLog with { Storage = "mysql" } }, "Gateway:MessageLog:Storage is 'mysql'; use sqlite or postgresql"),
        ["postgresql without connection string"] = (new StorageValidator(), o => o with { MessageLog = o.MessageLog with { Storage = "postgresql" } }, "Gateway:MessageLog:ConnectionString is empty"),
        ["max batch"] = (new StorageValidator(), o => o with { MessageLog = o.MessageLog with { MaxBatch = 0 } }, "Gateway:MessageLog:MaxBatch is 0"),
        ["admin token short"] = (new AdminTokenValidator(), o => o with { AdminToken = "short" }, "Gateway:AdminToken must be at least 16 characters"),
        ["admin token spaces"] = (new AdminTokenValidator(), o => o with { AdminToken = "0123456789 abcdef" }, "Gateway:AdminToken contains whitespace"),
        ["max body"] = (new LimitsValidator(), o => o with { MaxBodyBytes = 10 }, "Gateway:MaxBodyBytes is 10"),
        ["max trust configuration"] = (new LimitsValidator(), o => o with { MaxTrustConfigurationBytes = 1000 }, "Gateway:MaxTrustConfigurationBytes is 1000; use a value between 65536"),
        ["clock skew"] = (new LimitsValidator(), o => o with { MaxClockSkew = TimeSpan.FromHours(1) }, "Gateway:MaxClockSkew is 01:00:00"),
        ["replay cache"] = (new LimitsValidator(), o => o with { ReplayCacheCapacity = 10 }, "Gateway:ReplayCacheCapacity is 10"),
        ["connections"] = (new LimitsValidator(), o => o with { MaxConnectionsPerPeer = 0 }, "Gateway:MaxConnectionsPerPeer is 0"),
        ["connect timeout"] = (new LimitsValidator(), o => o with { ConnectTimeout = TimeSpan.Zero }, "Gateway:ConnectTimeout is 00:00:00; use a positive duration"),
        ["response timeout"] = (new LimitsValidator(), o => o with { ResponseTimeout = TimeSpan.FromSeconds(-1) }, "Gateway:ResponseTimeout is -00:00:01"),
        ["poll interval"] = (new LimitsValidator(), o => o with { TrustPollInterval = TimeSpan.Zero }, "Gateway:TrustPollInterval is 00:00:00"),
        ["trim interval"] = (new LimitsValidator(), o => o with { NativeHeapTrimInterval = TimeSpan.FromSeconds(-1) }, "Gateway:NativeHeapTrimInterval is -00:00:01"),
        ["client subsystem"] = (new ClientsValidator(), o => o with { Clients = [new ClientOptions { Subsystem = "SY/GOV/MOCT" }] }, "Gateway:Clients:0:Subsystem: "),
        ["client of another member"] = (new ClientsValidator(), o => o with { Clients = [new ClientOptions { Subsystem = "SY/GOV/CIVREG/app" }] }, "Gateway:Clients:0:Subsystem 'SY/GOV/CIVREG/app' belongs to SY/GOV/CIVREG"),
        ["api key hash"] = (new ClientsValidator(), o => o with { Clients = [new ClientOptions { Subsystem = "SY/GOV/MOCT/portal", ApiKeySha256 = [Hash, "secret"] }] }, "Gateway:Clients:0:ApiKeySha256:1 is not a hex SHA-256"),
        ["certificate hash"] = (new ClientsValidator(), o => o with { Clients = [new ClientOptions { Subsystem = "SY/GOV/MOCT/portal", CertificateSha256 = ["ab"] }] }, "Gateway:Clients:0:CertificateSha256:0 is not a hex SHA-256"),
        ["service id"] = (new ServicesValidator(), o => o with { Services = [new ProvidedServiceOptions { Service = "SY/GOV/MOCT/app", Backend = "http://127.0.0.1:5000" }] }, "Gateway:Services:0:Service: "),
        ["service of another member"] = (new ServicesValidator(), o => o with { Services = [new ProvidedServiceOptions { Service = "SY/GOV/CIVREG/registry/persons", Backend = "http://127.0.0.1:5000" }] }, "Gateway:Services:0:Service 'SY/GOV/CIVREG/registry/persons' belongs to SY/GOV/CIVREG"),
        ["backend"] = (new ServicesValidator(), o => o with { Services = [new ProvidedServiceOptions { Service = "SY/GOV/MOCT/app/x", Backend = "localhost:5000" }] }, "Gateway:Services:0:Backend is 'localhost:5000'"),
        ["acl method"] = (new AclValidator(), o => o with { Acl = [new AclRuleOptions { Service = "SY/GOV/MOCT/app/x", Client = "SY/GOV/MOCT/portal", Methods = ["get"] }] }, "Gateway:Acl:0: method 'get'"),
        ["tree head interval"] = (new TimestampingValidator(), o => o with { MessageLog = o.MessageLog with { TreeHeadInterval = TimeSpan.Zero } }, "Gateway:MessageLog:TreeHeadInterval is 00:00:00"),
        ["timestamp interval"] = (new TimestampingValidator(), o => o with { MessageLog = o.MessageLog with { TimestampInterval = TimeSpan.FromMilliseconds(10) } }, "Gateway:MessageLog:TimestampInterval is 00:00:00.0100000"),
        ["tsa url"] = (new TimestampingValidator(), o => o with { MessageLog = o.MessageLog with { TsaUrl = "tsa", TsaCertificateFile = o.AnchorFile } }, "Gateway:MessageLog:TsaUrl is 'tsa'"),
        ["tsa certificate"] = (new TimestampingValidator(), o => o with { MessageLog = o.MessageLog with { TsaUrl = "https://tsa.example/tsa" } }, "Gateway:MessageLog:TsaCertificateFile is ''"),
        ["default body policy"] = (new BodyPoliciesValidator(), o => o with { MessageLog = o.MessageLog with { DefaultBodyPolicy = "all" } }, "Gateway:MessageLog:DefaultBodyPolicy is 'all'"),
        ["body policy"] = (new BodyPoliciesValidator(), o => o with { MessageLog = o.MessageLog with { BodyPolicies = [new BodyPolicyOptions { Subsystem = "SY/GOV/MOCT/portal", Policy = "some" }] } }, "Gateway:MessageLog:BodyPolicies:0:Policy is 'some'"),
        ["retention"] = (new BodyPoliciesValidator(), o => o with { MessageLog = o.MessageLog with { BodyRetention = TimeSpan.Zero } }, "Gateway:MessageLog:BodyRetention is 00:00:00"),
        ["subscription topic"] = (new EventsValidator(), o => o with { Subscriptions = [new SubscriptionOptions { Topic = "SY/GOV/POST/ems", Subscriber = "SY/GOV/MOCT/portal", Endpoint = "http://127.0.0.1:5000/events" }] }, "Gateway:Subscriptions:0:Topic: "),
        ["subscriber of another member"] = (new EventsValidator(), o => o with { Subscriptions = [new SubscriptionOptions { Topic = "SY/GOV/POST/ems/items", Subscriber = "SY/GOV/POST/ems", Endpoint = "http://127.0.0.1:5000/events" }] }, "Gateway:Subscriptions:0:Subscriber 'SY/GOV/POST/ems' belongs to SY/GOV/POST"),
        ["subscription endpoint"] = (new EventsValidator(), o => o with { Subscriptions = [new SubscriptionOptions { Topic = "SY/GOV/POST/ems/items", Subscriber = "SY/GOV/MOCT/portal", Endpoint = "events" }] }, "Gateway:Subscriptions:0:Endpoint is 'events'"),
        ["subscription twice"] = (new EventsValidator(), o => o with
        {
            Subscriptions = [new SubscriptionOptions { Topic = "SY/GOV/POST/ems/items", Subscriber = "SY/GOV/MOCT/portal", Endpoint = "http://127.0.0.1:5000/a" }, new SubscriptionOptions { Topic = "SY/GOV/POST/ems/items", Subscriber = "SY/GOV/MOCT/portal", Endpoint = "http://127.0.0.1:5000/b" }],
        }, "Gateway:Subscriptions:1 names SY/GOV/MOCT/portal on SY/GOV/POST/ems/items a second time"),
        ["event batch"] = (new EventsValidator(), o => o with { Events = o.Events with { MaxBatch = 0 } }, "Gateway:Events:MaxBatch is 0"),
        ["event retry delays"] = (new EventsValidator(), o => o with { Events = o.Events with { RetryDelay = TimeSpan.FromMinutes(5) } }, "Gateway:Events:MaxRetryDelay (00:01:00) is shorter than Gateway:Events:RetryDelay"),
        ["dead letters"] = (new EventsValidator(), o => o with { Events = o.Events with { DeadLetterAfter = TimeSpan.Zero } }, "Gateway:Events:DeadLetterAfter is 00:00:00"),
        ["event retention"] = (new EventsValidator(), o => o with { Events = o.Events with { Retention = TimeSpan.FromMinutes(5) } }, "Gateway:Events:Retention is 00:05:00; use at least 01:00:00"),
        ["purge interval"] = (new BodyPoliciesValidator(), o => o with { MessageLog = o.MessageLog with { PurgeInterval = TimeSpan.Zero } }, "Gateway:MessageLog:PurgeInterval is 00:00:00"),
    };

    public static TheoryData<string> Cases => new(Table.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validator_WrongValue_FailsNamingTheKey(string name)
    {
        var (validator, breakIt, expected) = Table[name];
        var passing = new List<string>();
        var failing = new List<string>();

        validator.Validate(_valid, passing);
        validator.Validate(breakIt(_valid), failing);

        Assert.Empty(passing);
        var failure = Assert.Single(failing);
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void GatewayOptionsValidator_RunsEveryConcern()
    {
        Assert.True(new GatewayOptionsValidator().Validate(null, _valid).Succeeded);
        Assert.Equal(Table.Values.Select(c => c.Validator.GetType()).Distinct().Count(), GatewayOptionsValidator.Concerns.Count);

        var result = new GatewayOptionsValidator().Validate(null, _valid with { Member = "x", AdminToken = "", MessageLog = _valid.MessageLog with { MaxBatch = 0 } });

        Assert.Equal(3, result.Failures!.Count());
    }

    /// <summary>Real PEM files for the key-file validator, once per class.</summary>
    public sealed class PemFiles : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("naqil-validators-");

        public PemFiles()
        {
            using var tls = TestPki.CreateTlsCertificate("validators TLS");
            using var signing = TestPki.CreateSigningCertificate("validators signing");
            var tlsFiles = TestPki.WritePem(tls, _directory.FullName, "tls");
            var signingFiles = TestPki.WritePem(signing, _directory.FullName, "signing");
            Valid = new GatewayOptions
            {
                Member = "SY/GOV/MOCT",
                Code = "gw1",
                TrustConfigurationUrl = "http://127.0.0.1:4100/trust/v1/config",
                AnchorFile = signingFiles.Certificate,
                DataDirectory = Path.Combine(_directory.FullName, "data"),
                TlsCertificateFile = tlsFiles.Certificate,
                TlsKeyFile = tlsFiles.Key,
                SigningCertificateFile = signingFiles.Certificate,
                SigningKeyFile = signingFiles.Key,
                AdminToken = "0123456789abcdef0123",
                AllowedPartners = ["IQ"],
                Clients = [new ClientOptions { Subsystem = "SY/GOV/MOCT/portal", ApiKeySha256 = [Hash] }],
                Services = [new ProvidedServiceOptions { Service = "SY/GOV/MOCT/app/x", Backend = "http://127.0.0.1:5000" }],
                Acl = [new AclRuleOptions { Service = "SY/GOV/MOCT/app/x", Client = "SY/GOV/MOCT/portal", Methods = ["GET"] }],
            };
        }

        public GatewayOptions Valid { get; }

        public void Dispose() => _directory.Delete(recursive: true);
    }
}

using System.Security.Cryptography;
using Naqil.Keys;
using Naqil.Registry;
using Naqil.Registry.Certificates;

namespace Naqil.Cli.Sandbox;

/// <summary>
/// Where the sandbox keeps the keys that sign evidence: PEM files beside each component (the
/// default), or with <c>--keys pkcs11</c> one SoftHSM2 token in the state directory, labelled
/// <c>naqil-sandbox</c>, whose PINs are owner-only files there. In the token: each registry's
/// anchor, CA and TSA keys, each gateway's signing and TLS keys (TLS through OpenSSL's pkcs11
/// engine) and the civil registry's seal.
/// </summary>
internal sealed class SandboxKeys
{
    public const string TokenLabel = "naqil-sandbox";

    private readonly Pkcs11Uri? _token;

    /// <summary>The token as OpenSSL's engine reaches it for TLS: through SoftHSM2 itself, whatever module the signing keys go through.</summary>
    private readonly Pkcs11Uri? _tlsToken;

    private SandboxKeys(Pkcs11Uri? token, Pkcs11Uri? tlsToken)
    {
        _token = token;
        _tlsToken = tlsToken;
    }

    public static SandboxKeys Files { get; } = new(null, null);

    public bool InToken => _token is not null;

    /// <summary>
    /// Prepares the state directory's SoftHSM2 token (made on the first start); must run before
    /// anything loads a PKCS#11 module. The keys that sign evidence are reached through
    /// <paramref name="module"/> when given (p11-kit's client module, to reach the token as a network
    /// HSM is reached), else through SoftHSM2's own; TLS keys always through SoftHSM2's.
    /// </summary>
    public static SandboxKeys Pkcs11(string stateDirectory, string? module = null)
    {
        var softHsm = SoftHsm.FindModule()
            ?? throw new SandboxException("--keys pkcs11 keeps the keys in SoftHSM2, which is not installed; install it (apt-get install softhsm2) or start without --keys");
        var directory = Path.Combine(stateDirectory, "softhsm");
        SoftHsm.Use(directory);
        var pinFile = Path.Combine(directory, "user-pin");
        // 24 hex digits: OpenSSL's pkcs11 engine, which holds the TLS keys, takes PINs of at most 32.
        var userPin = SandboxSecrets.Token(pinFile, bytes: 12);
        var soPin = SandboxSecrets.Token(Path.Combine(directory, "so-pin"), bytes: 12);
        try
        {
            Pkcs11KeyAdmin.InitializeToken(softHsm, TokenLabel, soPin, userPin);
        }
        catch (Exception e) when (e is InvalidOperationException or SigningUnavailableException or Net.Pkcs11Interop.Common.Pkcs11Exception)
        {
            throw new SandboxException($"the sandbox's SoftHSM2 token in {directory} could not be prepared: {e.Message}");
        }

        var local = new Pkcs11Uri { ModulePath = softHsm, Token = TokenLabel, Object = "-", PinSource = "file:" + pinFile };
        if (module is not null && !File.Exists(module))
        {
            throw new SandboxException($"--pkcs11-module {module} does not exist; give the path of a PKCS#11 module that reaches the token '{TokenLabel}'");
        }

        return new SandboxKeys(local with { ModulePath = module ?? softHsm }, local);
    }

    /// <summary>How <c>sandbox.json</c> describes where the keys are.</summary>
    public KeysManifest Manifest() => _token is null
        ? new KeysManifest("files")
        : new KeysManifest("pkcs11", _token.Token, _token.ModulePath, Environment.GetEnvironmentVariable("SOFTHSM2_CONF"), _token.PinSource![5..]);

    /// <summary>The reference of the key labelled <paramref name="label"/>: its pkcs11: URI, or null for a file.</summary>
    public string? Reference(string label) => _token?.ForObject(label).ToString();

    /// <summary>The registry's keys for <paramref name="instance"/>: all in the token, or all files.</summary>
    public RegistryKeyOptions Registry(string instance) => _token is null ? new RegistryKeyOptions() : new RegistryKeyOptions
    {
        Anchor = Reference($"{instance}-anchor"),
        RootCa = Reference($"{instance}-root-ca"),
        GatewayCa = Reference($"{instance}-gateway-ca"),
        SealCa = Reference($"{instance}-seal-ca"),
        Tsa = Reference($"{instance}-tsa"),
    };

    /// <summary>
    /// A key and a certificate issued by the instance's CA: as PEM files (<see cref="SandboxSecrets.Certificate"/>),
    /// or, for a signing key with the keys in the token, the key in the token and the returned
    /// "key" its pkcs11: URI. Issued on the first start only.
    /// </summary>
    public (string Certificate, string Key) Certificate(string directory, string name, string subject, CertificateKind kind, ICertificateAuthority ca)
    {
        if (_token is null)
        {
            return SandboxSecrets.Certificate(directory, name, subject, kind, ca);
        }

        var label = subject.Replace('/', '-').Replace(' ', '-');
        var reference = kind == CertificateKind.Tls ? _tlsToken!.ForObject(label).ToString() : Reference(label)!;
        var certificatePath = Path.Combine(directory, $"{name}.crt");
        if (!File.Exists(certificatePath))
        {
            using var key = OpenOrGenerate(label);
            var request = SandboxSecrets.Request(subject, kind, key);
            var certificate = ca.Issue(request.CreateSigningRequestPem(), kind);
            Directory.CreateDirectory(directory);
            File.WriteAllText(certificatePath, certificate);
        }

        return (certificatePath, reference);
    }

    /// <summary>The key labelled <paramref name="label"/> in the token, made there if it is not yet.</summary>
    public ECDsa OpenOrGenerate(string label)
    {
        var uri = _token!.ForObject(label);
        try
        {
            return Pkcs11ECDsa.Open(uri);
        }
        catch (InvalidOperationException)
        {
            return Pkcs11KeyAdmin.Generate(uri);
        }
    }
}

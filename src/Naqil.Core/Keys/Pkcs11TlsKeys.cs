using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Keys;

/// <summary>
/// TLS keys in a PKCS#11 token. TLS signs inside OpenSSL, not through an <see cref="ECDsa"/> that
/// .NET code calls, so the key must be an OpenSSL key: OpenSSL's <c>pkcs11</c> engine (Debian's
/// <c>libengine-pkcs11-openssl</c>, libp11) loads it from the token, and the certificate carries
/// that handle to Kestrel and to the client's handshakes. Linux only, one PKCS#11 module per
/// process for TLS (the engine takes its module from <c>PKCS11_MODULE_PATH</c> once), and the
/// engine, not Naqil, decides how a token that went away is found again: docs/keys.md.
/// </summary>
[UnsupportedOSPlatform("windows")]
[UnsupportedOSPlatform("osx")]
public static class Pkcs11TlsKeys
{
    /// <summary>libp11's limit: a longer PIN makes it call the whole URI invalid.</summary>
    public const int MaxEnginePinLength = 32;

    private static readonly object Gate = new();

    /// <summary><paramref name="certificate"/> with the key <paramref name="reference"/> names in its token, for TLS.</summary>
    public static X509Certificate2 WithKey(X509Certificate2 certificate, string reference)
    {
        var uri = Pkcs11Uri.Parse(reference);
        lock (Gate)
        {
            var configured = Environment.GetEnvironmentVariable("PKCS11_MODULE_PATH");
            if (configured is null)
            {
                SoftHsm.SetNativeEnvironment("PKCS11_MODULE_PATH", uri.ModulePath);
            }
            else if (Path.GetFullPath(configured) != Path.GetFullPath(uri.ModulePath))
            {
                throw new InvalidOperationException($"the TLS key {uri} is in the module {uri.ModulePath}, but OpenSSL's pkcs11 engine of this process already uses {configured}; keep TLS keys of one process in one module");
            }
        }

        var pin = uri.ReadPin();
        if (pin.Length > MaxEnginePinLength)
        {
            throw new InvalidOperationException($"the PIN of the TLS key {uri} has {pin.Length} characters; OpenSSL's pkcs11 engine takes at most {MaxEnginePinLength}: set a shorter user PIN on the token");
        }

        var engineKey = $"pkcs11:{(uri.Token is { } token ? "token=" + Uri.EscapeDataString(token) : "slot-id=" + uri.SlotId)};"
            + (uri.Object is { } label ? "object=" + Uri.EscapeDataString(label) + ";" : "")
            + (uri.Id is { } id ? "id=" + string.Concat(id.Select(b => "%" + b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) + ";" : "")
            + "type=private;pin-value=" + Uri.EscapeDataString(pin);
        SafeEvpPKeyHandle handle;
        try
        {
            handle = SafeEvpPKeyHandle.OpenPrivateKeyFromEngine("pkcs11", engineKey);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"OpenSSL's pkcs11 engine could not load the TLS key {uri} ({e.Message}); install libengine-pkcs11-openssl, and check the token and the key's label", e);
        }

        using (handle)
        using (var key = new ECDsaOpenSsl(handle))
        {
            using var certified = certificate.GetECDsaPublicKey();
            if (certified is null || !certified.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                throw new InvalidOperationException($"the TLS certificate does not certify the key {uri}; give the certificate issued for that key");
            }

            return certificate.CopyWithPrivateKey(key);
        }
    }
}

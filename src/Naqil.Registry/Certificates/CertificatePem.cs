using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Registry.Certificates;

/// <summary>Reading certificates that clients send, with refusals as sentences.</summary>
internal static class CertificatePem
{
    public const string EcPublicKeyOid = "1.2.840.10045.2.1";
    public const string P256CurveOid = "1.2.840.10045.3.1.7";

    /// <summary>Parses one PEM certificate and checks that it carries an ECDSA P-256 key and is valid at <paramref name="now"/>.</summary>
    public static bool TryParseP256(string? pem, string field, DateTimeOffset now, [NotNullWhen(true)] out X509Certificate2? certificate, [NotNullWhen(false)] out string? error)
    {
        certificate = null;
        if (string.IsNullOrWhiteSpace(pem))
        {
            error = $"'{field}' is missing; send the certificate as PEM (-----BEGIN CERTIFICATE-----)";
            return false;
        }

        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            // Refused rather than ignored: a private key that travelled here must be considered leaked.
            error = $"'{field}' contains a private key; send only the certificate, and replace that key since it has left its owner";
            return false;
        }

        if (!PemEncoding.TryFind(pem, out var fields) || pem.AsSpan()[fields.Label] is not "CERTIFICATE")
        {
            error = $"'{field}' is not a PEM certificate; expected a '-----BEGIN CERTIFICATE-----' block";
            return false;
        }

        if (!pem.AsSpan(fields.Location.End.GetOffset(pem.Length)).IsWhiteSpace())
        {
            // A second block would be stored and published unchecked: one field, one certificate.
            error = $"'{field}' holds more than one PEM block; send exactly one certificate";
            return false;
        }

        X509Certificate2 parsed;
        try
        {
            parsed = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(pem[fields.Base64Data]));
        }
        catch (CryptographicException)
        {
            error = $"'{field}' is PEM but not a valid X.509 certificate";
            return false;
        }

        if (!HasP256Key(parsed.PublicKey, out var keyDescription))
        {
            parsed.Dispose();
            error = $"'{field}' carries a {keyDescription} key; Naqil accepts only ECDSA P-256 keys";
            return false;
        }

        if (now < parsed.NotBefore.ToUniversalTime() || now > parsed.NotAfter.ToUniversalTime())
        {
            error = $"'{field}' is valid from {parsed.NotBefore.ToUniversalTime():O} to {parsed.NotAfter.ToUniversalTime():O}, not now; issue a current certificate";
            parsed.Dispose();
            return false;
        }

        certificate = parsed;
        error = null;
        return true;
    }

    // Platforms name the curve by OID, by Windows' name or by OpenSSL's; any of them will do.
    private static bool IsP256(Oid curve) =>
        curve.Value == P256CurveOid || curve.FriendlyName is "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1";

    public static bool HasP256Key(PublicKey key, out string description)
    {
        if (key.Oid.Value != EcPublicKeyOid)
        {
            description = key.Oid.FriendlyName ?? key.Oid.Value ?? "unknown";
            return false;
        }

        try
        {
            using var ec = key.GetECDsaPublicKey();
            var curve = ec?.ExportParameters(false).Curve;
            if (curve is { IsNamed: true } named && IsP256(named.Oid))
            {
                description = "ECDSA P-256";
                return true;
            }

            description = $"ECDSA {curve?.Oid.FriendlyName ?? curve?.Oid.Value ?? "explicit-curve"}";
            return false;
        }
        catch (CryptographicException)
        {
            description = "unreadable EC";
            return false;
        }
    }
}

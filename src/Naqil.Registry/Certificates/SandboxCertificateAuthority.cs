using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Naqil.Registry.Certificates;

/// <summary>
/// The sandbox CA. It signs whatever subject a valid P-256 request asks for: in the sandbox the
/// admin token is the only gate. TLS certificates always also name <c>localhost</c> and
/// <c>127.0.0.1</c> (a sandbox convenience, so every gateway on one machine can be reached by
/// loopback whatever names its CSR carried); production uses an external CA.
/// </summary>
internal sealed class SandboxCertificateAuthority(RegistryKeys keys, TimeProvider time, ILogger<SandboxCertificateAuthority> logger) : ICertificateAuthority
{
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(365);

    private const string SubjectAlternativeNameOid = "2.5.29.17";
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    public X509Certificate2 Certificate => keys.CaCertificate;

    public bool TryIssue(string csrPem, CertificateKind kind, TimeSpan? validity, [NotNullWhen(true)] out string? certificatePem, [NotNullWhen(false)] out string? error)
    {
        certificatePem = null;
        if (validity <= TimeSpan.Zero)
        {
            error = $"the requested validity {validity} is not positive";
            Log.CertificateRefused(logger, kind, error);
            return false;
        }

        if (!TryLoadRequest(csrPem, out var request, out error) || !TryBuild(request, kind, out var issued, out error))
        {
            Log.CertificateRefused(logger, kind, error!);
            return false;
        }

        var now = time.GetUtcNow();
        var notAfter = now + (validity ?? DefaultValidity);
        var caNotAfter = new DateTimeOffset(keys.CaCertificate.NotAfter.ToUniversalTime());

        // RFC 5280 serials: positive, at most 20 octets; 16 random octets make them unguessable.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        using var certificate = issued.Create(
            keys.CaCertificate.SubjectName,
            X509SignatureGenerator.CreateForECDsa(keys.CaKey),
            now - RegistryKeys.BackdateBy,
            notAfter < caNotAfter ? notAfter : caNotAfter,
            serial);
        certificatePem = certificate.ExportCertificatePem();
        Log.CertificateIssued(logger, kind, certificate.Subject, certificate.SerialNumber, certificate.NotAfter.ToUniversalTime());
        return true;
    }

    private static bool TryLoadRequest(string? csrPem, [NotNullWhen(true)] out CertificateRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (string.IsNullOrWhiteSpace(csrPem))
        {
            error = "the CSR is empty; send a PEM '-----BEGIN CERTIFICATE REQUEST-----' block";
            return false;
        }

        try
        {
            // Extensions are loaded only so the subject alternative names can be copied; every
            // other requested extension is dropped and the CA sets its own.
            request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (CryptographicException e)
        {
            error = $"the CSR is not a PKCS#10 request whose self-signature verifies ({e.Message.TrimEnd('.')}); create it with the key the certificate is for";
            return false;
        }

        if (!CertificatePem.HasP256Key(request.PublicKey, out var keyDescription))
        {
            error = $"the CSR carries a {keyDescription} key; the sandbox CA issues only for ECDSA P-256 keys";
            request = null;
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryBuild(CertificateRequest request, CertificateKind kind, [NotNullWhen(true)] out CertificateRequest? issued, [NotNullWhen(false)] out string? error)
    {
        issued = new CertificateRequest(request.SubjectName, request.PublicKey, HashAlgorithmName.SHA256);
        issued.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        issued.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        issued.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        switch (kind)
        {
            case CertificateKind.Tls:
                issued.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
                if (!TryBuildSubjectAlternativeNames(request, out var names, out error))
                {
                    issued = null;
                    return false;
                }

                issued.CertificateExtensions.Add(names);
                break;
            case CertificateKind.Signing:
                // Key usage alone marks a signing certificate; Naqil has no registered OID for an EKU.
                break;
            default:
                issued = null;
                error = $"the certificate kind '{kind}' is not one of tls, signing";
                return false;
        }

        error = null;
        return true;
    }

    private static bool TryBuildSubjectAlternativeNames(CertificateRequest request, [NotNullWhen(true)] out X509Extension? extension, [NotNullWhen(false)] out string? error)
    {
        var dnsNames = new List<string>();
        var addresses = new List<IPAddress>();
        try
        {
            foreach (var requested in request.CertificateExtensions.Where(e => e.Oid?.Value == SubjectAlternativeNameOid))
            {
                var names = new X509SubjectAlternativeNameExtension(requested.RawData, requested.Critical);
                dnsNames.AddRange(names.EnumerateDnsNames());
                addresses.AddRange(names.EnumerateIPAddresses());
            }
        }
        catch (CryptographicException)
        {
            extension = null;
            error = "the CSR's subject alternative names cannot be read; request only DNS names and IP addresses";
            return false;
        }

        var builder = new SubjectAlternativeNameBuilder();
        try
        {
            foreach (var name in dnsNames.Append("localhost").Distinct(StringComparer.OrdinalIgnoreCase))
            {
                builder.AddDnsName(name);
            }
        }
        catch (ArgumentException)
        {
            extension = null;
            error = "the CSR names a DNS name that is not a valid host name";
            return false;
        }

        foreach (var address in addresses.Append(IPAddress.Loopback).Distinct())
        {
            builder.AddIpAddress(address);
        }

        extension = builder.Build();
        error = null;
        return true;
    }
}

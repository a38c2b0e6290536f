using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Storage;

namespace Naqil.Registry.Certificates.Pki;

/// <summary>
/// Issues from CSRs through the PKI's issuing CAs. It signs whatever subject a valid P-256 request
/// asks for (tls, signing: the admin token is the gate), except a seal, whose subject the registry
/// writes from its own record of the member. TLS certificates always also name <c>localhost</c>
/// and <c>127.0.0.1</c> (a sandbox convenience, so every gateway on one machine can be reached by
/// loopback whatever names its CSR carried).
/// </summary>
internal sealed class RegistryCertificateAuthority(
    RegistryPki pki, ICertificateStore store, TimeProvider time, ILogger<RegistryCertificateAuthority> logger) : ICertificateAuthority
{
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(365);

    /// <summary>X.520's upper bound of a common and an organisation name.</summary>
    public const int MaxNameLength = 64;

    private const string SubjectAlternativeNameOid = "2.5.29.17";

    public X509Certificate2 Certificate => pki.IssuerOf(CertificateKind.Tls).Certificate;

    public async Task<CertificateIssuance> IssueAsync(CertificateIssueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kind = request.Kind;
        if (!TryCheck(request, out var error) || !TryLoadRequest(request.CsrPem, out var csr, out error) || !TryBuild(csr, request, out var issued, out error))
        {
            Log.CertificateRefused(logger, kind, error!);
            return CertificateIssuance.Refused(error!);
        }

        var ca = pki.IssuerOf(kind);
        CertificateProfiles.AddEndEntity(issued, kind, ca, pki.Urls);
        var now = time.GetUtcNow();
        using var certificate = issued.Create(
            ca.Certificate.SubjectName,
            ca.Signer,
            now - RegistryKeys.BackdateBy,
            CertificateProfiles.Clip(now + (request.Validity ?? DefaultValidity), ca),
            CertificateProfiles.NewSerial());

        // Recorded before it is handed out: a certificate its CA's CRL and OCSP do not know is never seen.
        await store.RecordIssuedAsync(Record(ca.Name, kind, certificate, request.Organisation?.Member), cancellationToken);
        Log.CertificateIssued(logger, kind, ca.Name, certificate.Subject, certificate.SerialNumber, certificate.NotAfter.ToUniversalTime());
        return new CertificateIssuance(certificate.ExportCertificatePem(), ca.Name, certificate.SerialNumber, null);
    }

    /// <summary>The store's record of a certificate a CA of the registry issued.</summary>
    public static IssuedCertificateRecord Record(string issuer, CertificateKind kind, X509Certificate2 certificate, string? member = null) => new(
        issuer, certificate.SerialNumber, CertificateKinds.Name(kind), certificate.Subject, member,
        new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), certificate.RawData);

    private static bool TryCheck(CertificateIssueRequest request, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (!CertificateKinds.Requestable.Contains(request.Kind))
        {
            error = $"a '{CertificateKinds.Name(request.Kind)}' certificate is made by the registry itself; a CSR may ask for {string.Join(", ", CertificateKinds.Requestable.Select(CertificateKinds.Name))}";
        }
        else if (request.Validity <= TimeSpan.Zero)
        {
            error = $"the requested validity {request.Validity} is not positive";
        }
        else if (request.Kind == CertificateKind.Seal && request.Organisation is null)
        {
            error = "a seal names its organisation; give the member it is for";
        }
        else if (request.Kind != CertificateKind.Seal && request.Organisation is not null)
        {
            error = "only a seal names an organisation; a gateway certificate's subject comes from its CSR";
        }
        else if (request.Organisation is { } organisation && organisation.Name.Length is 0 or > MaxNameLength)
        {
            error = $"the member's name '{organisation.Name}' is longer than the {MaxNameLength} characters a certificate's organisation name holds; give the member a shorter name first";
        }

        return error is null;
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
            error = $"the CSR carries a {keyDescription} key; the registry's CAs issue only for ECDSA P-256 keys";
            request = null;
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryBuild(CertificateRequest csr, CertificateIssueRequest request, [NotNullWhen(true)] out CertificateRequest? issued, [NotNullWhen(false)] out string? error)
    {
        var subject = request.Organisation is { } organisation ? SealSubject(organisation) : csr.SubjectName;
        issued = new CertificateRequest(subject, csr.PublicKey, HashAlgorithmName.SHA256);
        if (request.Kind == CertificateKind.Tls)
        {
            if (!TryBuildSubjectAlternativeNames(csr, out var names, out error))
            {
                issued = null;
                return false;
            }

            issued.CertificateExtensions.Add(names);
        }

        error = null;
        return true;
    }

    /// <summary>
    /// <c>C={instance}, O={name}, organizationIdentifier={member id}, CN={name}</c>: the CSR's own
    /// subject is ignored, so a seal names only what the registry has registered.
    /// </summary>
    private static X500DistinguishedName SealSubject(SealOrganisation organisation)
    {
        // The builder encodes the last name added first: C, O, organizationIdentifier, CN in the certificate.
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName(organisation.Name);
        name.Add(CertificateProfiles.OrganizationIdentifier, organisation.Member, System.Formats.Asn1.UniversalTagNumber.UTF8String);
        name.AddOrganizationName(organisation.Name);
        name.AddCountryOrRegion(organisation.Member[..2]);
        return name.Build();
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

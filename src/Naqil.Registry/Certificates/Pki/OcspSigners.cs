using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Storage;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using BcX509Certificate = Org.BouncyCastle.X509.X509Certificate;
using BcX509CertificateParser = Org.BouncyCastle.X509.X509CertificateParser;

namespace Naqil.Registry.Certificates.Pki;

/// <summary>A CA's delegated OCSP responder: its certificate, and its key in BouncyCastle's form for signing.</summary>
internal sealed record OcspSigner(X509Certificate2 Certificate, BcX509Certificate BcCertificate, AsymmetricKeyParameter Key)
{
    public DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime());
}

/// <summary>
/// Each CA's delegated OCSP responder certificate (RFC 6960 §4.2.2.2): issued by the CA itself
/// with id-kp-OCSPSigning and id-pkix-ocsp-nocheck, so the CA's key signs one certificate every
/// day or so instead of every response. Its key lives in memory only and is never written: a
/// restart makes a new one. Short-lived because nocheck means nobody checks whether it was
/// revoked: it is valid for <see cref="Validity"/> and replaced when less than
/// <see cref="RenewBefore"/> is left. Each is recorded in the store as kind <c>ocsp</c>.
/// </summary>
internal sealed class OcspSigners(RegistryPki pki, ICertificateStore store, TimeProvider time, ILogger<OcspSigners> logger) : IDisposable
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(2);
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, OcspSigner> _signers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _issuing = new(1, 1);

    public async Task<OcspSigner> GetAsync(RegistryCa ca, CancellationToken cancellationToken)
    {
        if (_signers.TryGetValue(ca.Name, out var signer) && IsFresh(signer))
        {
            return signer;
        }

        await _issuing.WaitAsync(cancellationToken);
        try
        {
            if (_signers.TryGetValue(ca.Name, out signer) && IsFresh(signer))
            {
                return signer;
            }

            signer = await IssueAsync(ca, cancellationToken);
            _signers[ca.Name] = signer;
            return signer;
        }
        finally
        {
            _issuing.Release();
        }
    }

    public void Dispose()
    {
        _issuing.Dispose();
        foreach (var signer in _signers.Values)
        {
            signer.Certificate.Dispose();
        }
    }

    private bool IsFresh(OcspSigner signer) => signer.NotAfter - time.GetUtcNow() > RenewBefore;

    private async Task<OcspSigner> IssueAsync(RegistryCa ca, CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // The builder encodes the last name added first: O, CN in the certificate.
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName($"{ca.Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)} OCSP responder");
        name.AddOrganizationName(ca.Certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .FirstOrDefault(n => n.GetSingleElementType().Value == "2.5.4.10")?.GetSingleElementValue() ?? "Naqil");
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        CertificateProfiles.AddEndEntity(request, CertificateKind.OcspSigning, ca, pki.Urls);
        var now = time.GetUtcNow();
        using var issued = request.Create(ca.Certificate.SubjectName, ca.Signer, now - RegistryKeys.BackdateBy, CertificateProfiles.Clip(now + Validity, ca), CertificateProfiles.NewSerial());
        var certificate = X509CertificateLoader.LoadCertificate(issued.RawData);
        await store.RecordIssuedAsync(RegistryCertificateAuthority.Record(ca.Name, CertificateKind.OcspSigning, certificate), cancellationToken);
        Log.OcspSignerIssued(logger, ca.Name, certificate.SerialNumber, certificate.NotAfter.ToUniversalTime());

        // BouncyCastle signs with its own key type, so the key is copied into it in memory; it never leaves this process.
        return new OcspSigner(certificate, new BcX509CertificateParser().ReadCertificate(certificate.RawData), PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey()));
    }
}

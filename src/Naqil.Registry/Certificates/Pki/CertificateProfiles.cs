using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Registry.Certificates.Pki;

/// <summary>
/// The extensions of every certificate the registry's PKI makes, kind by kind (docs/pki.md,
/// "Profiles"). Every certificate a CA issues carries a subject and an authority key identifier;
/// every one but a delegated OCSP responder's (id-pkix-ocsp-nocheck: never checked) carries a CRL
/// distribution point and an AIA with its issuer's OCSP responder and certificate. The root,
/// self-signed, has neither.
/// </summary>
internal static class CertificateProfiles
{
    /// <summary>
    /// Naqil's private OID arc: a UUID arc (ITU-T X.667, <c>2.25.{UUID as an integer}</c>,
    /// UUID d9a3a1a1-3164-414d-b148-cd3ac1b4ecd8), which needs no registration and collides with
    /// no one. An operator with its own arc replaces it.
    /// </summary>
    public const string Arc = "2.25.289292097712234240489275948533368024280";

    /// <summary>Certificate policies: <c>{Arc}.1.{n}</c>.</summary>
    public const string GatewayTlsPolicy = Arc + ".1.1";

    public const string GatewaySigningPolicy = Arc + ".1.2";

    public const string SealPolicy = Arc + ".1.3";

    public const string TimestampingPolicy = Arc + ".1.4";

    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string OcspSigning = "1.3.6.1.5.5.7.3.9";

    /// <summary>id-kp-documentSigning (RFC 9336).</summary>
    public const string DocumentSigning = "1.3.6.1.5.5.7.3.36";

    /// <summary>id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).</summary>
    public const string OcspNoCheck = "1.3.6.1.5.5.7.48.1.5";

    public const string CertificatePoliciesOid = "2.5.29.32";

    /// <summary>organizationIdentifier (X.520 §6.4.4); a seal carries its member's identifier there.</summary>
    public const string OrganizationIdentifier = "2.5.4.97";

    public static readonly TimeSpan RootValidity = TimeSpan.FromDays(7305);
    public static readonly TimeSpan IssuingCaValidity = TimeSpan.FromDays(3652);

    /// <summary>The policies a CA's issued certificates carry, which its own certificate lists too.</summary>
    public static string[] PoliciesOf(CertificateKind kind) => kind switch
    {
        CertificateKind.Tls => [GatewayTlsPolicy],
        CertificateKind.Signing => [GatewaySigningPolicy],
        CertificateKind.Seal => [SealPolicy],
        CertificateKind.Timestamping => [TimestampingPolicy],
        _ => [],
    };

    /// <summary>The root: self-signed, CA with path length 1, keyCertSign and cRLSign only.</summary>
    public static X509Certificate2 Root(ECDsa key, X500DistinguishedName subject, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Signed by the key where it is (a file's, or a token's that cannot be copied into the certificate).
        using var signed = request.Create(subject, X509SignatureGenerator.CreateForECDsa(key), now - RegistryKeys.BackdateBy, now + RootValidity, NewSerial());
        return X509CertificateLoader.LoadCertificate(signed.RawData);
    }

    /// <summary>An issuing CA under <paramref name="root"/>: path length 0, the policies of the kinds it issues, the root's CRL and AIA.</summary>
    public static X509Certificate2 IssuingCa(ECDsa key, X500DistinguishedName subject, IEnumerable<CertificateKind> issues, RegistryCa root, PkiUrls urls, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(root.AuthorityKeyIdentifier);
        request.CertificateExtensions.Add(CertificatePolicies([.. issues.SelectMany(PoliciesOf)]));
        AddRevocationPointers(request, root.Name, urls);
        using var issued = request.Create(root.Certificate.SubjectName, root.Signer, now - RegistryKeys.BackdateBy, Clip(now + IssuingCaValidity, root), NewSerial());
        return X509CertificateLoader.LoadCertificate(issued.RawData);
    }

    /// <summary>
    /// The extensions of an end-entity certificate of <paramref name="kind"/> for <paramref name="request"/>'s
    /// key: basic constraints (not a CA), key usage, EKU, key identifiers, policies, CRL and AIA.
    /// Subject alternative names are the caller's.
    /// </summary>
    public static void AddEndEntity(CertificateRequest request, CertificateKind kind, RegistryCa issuer, PkiUrls urls)
    {
        var extensions = request.CertificateExtensions;
        extensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        switch (kind)
        {
            case CertificateKind.Tls:
                extensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
                extensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuth), new Oid(ClientAuth)], false));
                break;
            case CertificateKind.Signing:
                // Key usage alone marks a signing certificate; RFC 9421 has no EKU of its own.
                extensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
                break;
            case CertificateKind.Seal:
                extensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
                extensions.Add(new X509EnhancedKeyUsageExtension([new Oid(DocumentSigning)], false));
                break;
            case CertificateKind.Timestamping:
                // RFC 3161 §2.3: id-kp-timeStamping only, critical.
                extensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
                extensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Naqil.MessageLog.TimestampTokens.TimeStampingOid)], true));
                break;
            case CertificateKind.OcspSigning:
                extensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
                extensions.Add(new X509EnhancedKeyUsageExtension([new Oid(OcspSigning)], false));
                extensions.Add(new X509Extension(OcspNoCheck, [0x05, 0x00], false));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an end-entity kind");
        }

        extensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        extensions.Add(issuer.AuthorityKeyIdentifier);
        if (PoliciesOf(kind) is { Length: > 0 } policies)
        {
            extensions.Add(CertificatePolicies(policies));
        }

        if (kind != CertificateKind.OcspSigning)
        {
            AddRevocationPointers(request, issuer.Name, urls);
        }
    }

    /// <summary>RFC 5280 serials: positive, at most 20 octets; 16 random octets make them unguessable, the first 01–7F so the DER needs no padding.</summary>
    public static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    /// <summary>Never beyond the issuer's own expiry.</summary>
    public static DateTimeOffset Clip(DateTimeOffset notAfter, RegistryCa issuer) => notAfter < issuer.NotAfter ? notAfter : issuer.NotAfter;

    /// <summary>certificatePolicies (RFC 5280 §4.2.1.4) with bare policy identifiers, no qualifiers.</summary>
    public static X509Extension CertificatePolicies(IEnumerable<string> policies)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var policy in policies)
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(policy);
                }
            }
        }

        return new X509Extension(CertificatePoliciesOid, writer.Encode(), false);
    }

    private static void AddRevocationPointers(CertificateRequest request, string issuer, PkiUrls urls)
    {
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([urls.Crl(issuer)]));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([urls.Ocsp(issuer)], [urls.Certificate(issuer)]));
    }
}

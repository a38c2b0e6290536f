using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Naqil.Gateway.Trust;

/// <summary>
/// What a gateway needs of a certificate in the trust configuration, read without building an
/// X509 object: its thumbprint (SHA-256 of the DER, for pinning) and its ECDSA P-256 public key
/// (SubjectPublicKeyInfo), checked for shape here and imported only when first used. Indexing a
/// configuration of thousands of gateways then costs a hash and a short ASN.1 walk per certificate.
/// </summary>
internal static class CertificateInfo
{
    private const string EcPublicKey = "1.2.840.10045.2.1";
    private const string P256 = "1.2.840.10045.3.1.7";

    public static bool TryRead(string base64, [NotNullWhen(true)] out string? thumbprint, [NotNullWhen(true)] out byte[]? subjectPublicKeyInfo)
    {
        thumbprint = null;
        subjectPublicKeyInfo = null;
        byte[] der;
        try
        {
            der = Convert.FromBase64String(base64);
            // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version, serial, signature,
            //   issuer, validity, subject, subjectPublicKeyInfo, ... }, signatureAlgorithm, signature }
            var certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbs = certificate.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                tbs.ReadEncodedValue();
            }

            tbs.ReadEncodedValue(); // serialNumber
            tbs.ReadEncodedValue(); // signature
            tbs.ReadEncodedValue(); // issuer
            tbs.ReadEncodedValue(); // validity
            tbs.ReadEncodedValue(); // subject
            var spki = tbs.ReadEncodedValue();
            var algorithm = new AsnReader(spki, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            if (algorithm.ReadObjectIdentifier() != EcPublicKey || algorithm.ReadObjectIdentifier() != P256)
            {
                return false;
            }

            subjectPublicKeyInfo = spki.ToArray();
        }
        catch (Exception e) when (e is FormatException or AsnContentException)
        {
            return false;
        }

        thumbprint = Convert.ToHexStringLower(SHA256.HashData(der));
        return true;
    }

    /// <summary>Imports a SubjectPublicKeyInfo checked by <see cref="TryRead"/>.</summary>
    public static ECDsa ImportKey(byte[] subjectPublicKeyInfo)
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return key;
    }
}

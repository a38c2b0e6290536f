using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Naqil.Gateway.Trust;

/// <summary>
/// What a gateway needs of a certificate in the trust configuration, read without building an
/// X509 object: its thumbprint (SHA-256 of the DER, for pinning) and its ECDSA P-256 public key
/// (SubjectPublicKeyInfo), checked for shape here and imported only when first used. Indexing a
/// configuration of thousands of gateways then costs a hash and a short ASN.1 walk per
/// certificate; the only allocations are the results.
/// </summary>
internal static class CertificateInfo
{
    /// <summary>DER of the OIDs 1.2.840.10045.2.1 (id-ecPublicKey) and 1.2.840.10045.3.1.7 (prime256v1).</summary>
    private static ReadOnlySpan<byte> EcPublicKey => [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];

    private static ReadOnlySpan<byte> P256 => [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    /// <summary>Reads a DER certificate; false when it is missing, not DER or not ECDSA P-256.</summary>
    public static bool TryRead(byte[]? der, [NotNullWhen(true)] out string? thumbprint, [NotNullWhen(true)] out byte[]? subjectPublicKeyInfo)
    {
        subjectPublicKeyInfo = null;
        if (!TryRead(der, out thumbprint, out ReadOnlySpan<byte> spki))
        {
            return false;
        }

        subjectPublicKeyInfo = spki.ToArray();
        return true;
    }

    /// <summary>As <see cref="TryRead(byte[], out string, out byte[])"/>, for a certificate whose key the gateway never uses (TLS: pinned by thumbprint).</summary>
    public static bool TryRead(byte[]? der, [NotNullWhen(true)] out string? thumbprint) => TryRead(der, out thumbprint, out ReadOnlySpan<byte> _);

    private static bool TryRead(byte[]? der, [NotNullWhen(true)] out string? thumbprint, out ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        thumbprint = null;
        if (der is null || !TryReadSubjectPublicKeyInfo(der, out subjectPublicKeyInfo))
        {
            subjectPublicKeyInfo = default;
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(der, hash);
        thumbprint = Convert.ToHexStringLower(hash);
        return true;
    }

    /// <summary>Imports a SubjectPublicKeyInfo that <c>TryRead</c> checked.</summary>
    public static ECDsa ImportKey(byte[] subjectPublicKeyInfo)
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return key;
    }

    /// <summary>
    /// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version, serial, signature, issuer,
    /// validity, subject, subjectPublicKeyInfo, ... }, signatureAlgorithm, signature }: finds the
    /// SubjectPublicKeyInfo and checks that its algorithm is id-ecPublicKey on P-256. DER rules
    /// throughout, so a malformed tag or length anywhere on the way refuses the certificate.
    /// </summary>
    private static bool TryReadSubjectPublicKeyInfo(ReadOnlySpan<byte> der, out ReadOnlySpan<byte> spki)
    {
        spki = default;
        try
        {
            var certificate = Contents(der, out _);
            var tbs = Contents(certificate, out _);
            if (Asn1Tag.Decode(tbs, out _).HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                tbs = Skip(tbs);
            }

            for (var i = 0; i < 5; i++)
            {
                tbs = Skip(tbs); // serialNumber, signature, issuer, validity, subject
            }

            AsnDecoder.ReadEncodedValue(tbs, AsnEncodingRules.DER, out _, out _, out var spkiLength);
            var candidate = tbs[..spkiLength];
            var algorithm = Contents(Contents(candidate, out _), out _);
            AsnDecoder.ReadEncodedValue(algorithm, AsnEncodingRules.DER, out _, out _, out var oidLength);
            if (!algorithm[..oidLength].SequenceEqual(EcPublicKey))
            {
                return false;
            }

            algorithm = algorithm[oidLength..];
            AsnDecoder.ReadEncodedValue(algorithm, AsnEncodingRules.DER, out _, out _, out var curveLength);
            if (!algorithm[..curveLength].SequenceEqual(P256))
            {
                return false;
            }

            spki = candidate;
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>The contents of the SEQUENCE at the start of <paramref name="data"/>.</summary>
    private static ReadOnlySpan<byte> Contents(ReadOnlySpan<byte> data, out int consumed)
    {
        AsnDecoder.ReadSequence(data, AsnEncodingRules.DER, out var offset, out var length, out consumed);
        return data.Slice(offset, length);
    }

    private static ReadOnlySpan<byte> Skip(ReadOnlySpan<byte> data)
    {
        AsnDecoder.ReadEncodedValue(data, AsnEncodingRules.DER, out _, out _, out var consumed);
        return data[consumed..];
    }
}

using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Documents.Sealing;

/// <summary>
/// The CMS SignedData of a PAdES signature (ETSI EN 319 122-1 CAdES, detached), made with the
/// framework's <see cref="SignedCms"/>: SHA-256 and ECDSA; signed attributes content-type,
/// message-digest and signing-certificate-v2 (RFC 5035) and no signing-time (PAdES puts the
/// claimed time in the signature dictionary's /M); the seal certificate and its chain; and for
/// B-T the TSA's token over the signature value as the unsigned attribute
/// id-aa-signatureTimeStampToken (RFC 3161 appendix A).
/// </summary>
internal static class CadesSignature
{
    public const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47";
    public const string SignatureTimeStampTokenOid = "1.2.840.113549.1.9.16.2.14";
    private const string Sha256Oid = "2.16.840.1.101.3.4.2.1";

    public static SignedCms Sign(byte[] content, SealKey key)
    {
        using var ownKey = key.PrivateKey is null ? key.Certificate.GetECDsaPrivateKey() : null;
        var privateKey = key.PrivateKey ?? ownKey
            ?? throw new ArgumentException("The seal certificate has no ECDSA private key, and no other key was given.", nameof(key));
        var signedCms = new SignedCms(new ContentInfo(content), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, key.Certificate, privateKey)
        {
            DigestAlgorithm = new Oid(Sha256Oid),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.Certificates.AddRange(key.Chain.ToArray());

        // With any signed attribute present the framework adds content-type and message-digest itself.
        signer.SignedAttributes.Add(new AsnEncodedData(SigningCertificateV2Oid, SigningCertificateV2(key.Certificate)));
        signedCms.ComputeSignature(signer, silent: true);
        return signedCms;
    }

    /// <summary>
    /// Asks <paramref name="tsa"/> for a token over the signature value and adds it to the signer
    /// as id-aa-signatureTimeStampToken, after checking the answer is for this request (imprint,
    /// nonce) and the token's signature is the TSA's; returns the token.
    /// </summary>
    public static async Task<Rfc3161TimestampToken> AddSignatureTimestampAsync(SignedCms signedCms, ITimestampClient tsa, CancellationToken cancellationToken)
    {
        var signerInfo = signedCms.SignerInfos[0];
        var request = Rfc3161TimestampRequest.CreateFromSignerInfo(signerInfo, HashAlgorithmName.SHA256, requestSignerCertificates: true, nonce: Nonce());
        var token = await RequestTokenAsync(request, tsa, cancellationToken);
        if (!token.VerifySignatureForSignerInfo(signerInfo, out _))
        {
            throw new CryptographicException("The TSA's token does not verify over the signature value.");
        }

        signerInfo.AddUnsignedAttribute(new AsnEncodedData(SignatureTimeStampTokenOid, token.AsSignedCms().Encode()));
        return token;
    }

    /// <summary>A token over <paramref name="data"/> (a document timestamp), checked as above.</summary>
    public static async Task<Rfc3161TimestampToken> TimestampDataAsync(byte[] data, ITimestampClient tsa, CancellationToken cancellationToken)
    {
        var request = Rfc3161TimestampRequest.CreateFromData(data, HashAlgorithmName.SHA256, requestSignerCertificates: true, nonce: Nonce());
        var token = await RequestTokenAsync(request, tsa, cancellationToken);
        if (!token.VerifySignatureForData(data, out _))
        {
            throw new CryptographicException("The TSA's token does not verify over the document.");
        }

        return token;
    }

    private static async Task<Rfc3161TimestampToken> RequestTokenAsync(Rfc3161TimestampRequest request, ITimestampClient tsa, CancellationToken cancellationToken)
    {
        var response = await tsa.RequestAsync(request.Encode(), cancellationToken);

        // Checks the status, that the token's imprint and nonce are the request's, and that it
        // carries the TSA certificate asked for; throws CryptographicException otherwise.
        return request.ProcessResponse(response, out _);
    }

    private static byte[] Nonce()
    {
        // Positive and 16 bytes long however encoded: top bit clear, the next one set.
        var nonce = RandomNumberGenerator.GetBytes(16);
        nonce[0] = (byte)((nonce[0] & 0x7f) | 0x40);
        return nonce;
    }

    /// <summary>
    /// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 } with one ESSCertIDv2
    /// { certHash = SHA-256 of the certificate (the default algorithm, so not written),
    /// issuerSerial = { issuer as a directoryName, serialNumber } } (RFC 5035 §3).
    /// </summary>
    private static byte[] SigningCertificateV2(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteOctetString(SHA256.HashData(certificate.RawData));
                    using (writer.PushSequence())
                    {
                        using (writer.PushSequence())
                        {
                            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4)))
                            {
                                writer.WriteEncodedValue(certificate.IssuerName.RawData);
                            }
                        }

                        writer.WriteInteger(certificate.SerialNumberBytes.Span);
                    }
                }
            }
        }

        return writer.Encode();
    }
}

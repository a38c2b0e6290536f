using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Naqil.Documents.Sealing;

namespace Naqil.Documents.Validation;

/// <summary>
/// A detached CAdES signature (a PAdES seal's /Contents or a <c>.p7s</c>) over given bytes, checked in
/// the order of EN 319 102-1's basic building blocks and the validation with time (§5.3, §5.5):
/// format, signing certificate (signing-certificate-v2), message digest, signature value, signature
/// timestamps (the proof of existence), the signer's chain and its revocation at the proven time.
/// </summary>
internal static class CmsSignatureValidation
{
    private const string MessageDigestOid = "1.2.840.113549.1.9.4";

    /// <summary>
    /// Validates <paramref name="der"/> over <paramref name="signedContent"/>, adding its checks to
    /// <paramref name="checks"/>. <paramref name="outerProofOfExistence"/> is a proof from outside the
    /// signature that it existed at that time (a document timestamp covering it).
    /// </summary>
    public static CmsOutcome Validate(byte[] der, byte[] signedContent, ValidationContext context, CheckList checks, DateTimeOffset? outerProofOfExistence)
    {
        var outcome = new CmsOutcome();
        SignedCms cms;
        try
        {
            cms = new SignedCms(new ContentInfo(signedContent), detached: true);
            cms.Decode(der);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or ArgumentException)
        {
            checks.Fail("format", Indication.TotalFailed, SubIndication.FormatFailure, $"not a CMS SignedData: {e.Message}");
            return outcome;
        }

        if (!cms.Detached || cms.SignerInfos.Count != 1)
        {
            checks.Fail("format", Indication.TotalFailed, SubIndication.FormatFailure,
                cms.Detached ? $"{cms.SignerInfos.Count} signers; a CAdES baseline signature has one" : "the CMS carries its content; a detached signature does not");
            return outcome;
        }

        checks.Pass("format", "a detached CMS SignedData with one signer");
        var signer = cms.SignerInfos[0];
        foreach (var certificate in cms.Certificates)
        {
            context.Pool.Add(certificate);
        }

        // Signing certificate: the signer identifier resolved among the CMS's and the DSS's certificates,
        // and signing-certificate-v2 naming exactly it (§5.2.3).
        var signingCertificate = signer.Certificate ?? FindInPool(signer.SignerIdentifier, context.Pool);
        if (signingCertificate is null)
        {
            checks.Fail("signing-certificate", Indication.Indeterminate, SubIndication.NoSigningCertificateFound, "the signer's certificate is neither in the signature nor in the file");
            return outcome;
        }

        outcome.Signer = signingCertificate;
        var reference = SigningCertificateV2(signer);
        if (reference is null)
        {
            checks.Fail("signing-certificate", Indication.TotalFailed, SubIndication.FormatFailure, "no signing-certificate-v2 signed attribute (required by CAdES and PAdES baseline)");
            return outcome;
        }

        if (reference.Value.Mismatch(signingCertificate) is { } mismatch)
        {
            checks.Fail("signing-certificate", Indication.Indeterminate, SubIndication.NoSigningCertificateFound, $"signing-certificate-v2 does not name the signer's certificate: {mismatch}");
            return outcome;
        }

        checks.Pass("signing-certificate", $"signing-certificate-v2 names {signingCertificate.Subject} (serial {signingCertificate.SerialNumber})");

        // Message digest over the signed bytes, then the signature over the signed attributes (§5.2.7).
        var messageDigest = signer.SignedAttributes.Cast<CryptographicAttributeObject>().FirstOrDefault(a => a.Oid.Value == MessageDigestOid);
        if (messageDigest is null || messageDigest.Values.Count != 1 || TimestampValidation.HashName(signer.DigestAlgorithm.Value) is not { } digestAlgorithm)
        {
            checks.Fail("message-digest", Indication.TotalFailed, SubIndication.FormatFailure,
                messageDigest is null ? "no message-digest signed attribute" : $"the digest algorithm {signer.DigestAlgorithm.Value} is not supported");
            return outcome;
        }

        var expected = new Pkcs9MessageDigest();
        expected.CopyFrom(messageDigest.Values[0]);
        var actual = CryptographicOperations.HashData(digestAlgorithm, signedContent);
        if (!expected.MessageDigest.AsSpan().SequenceEqual(actual))
        {
            checks.Fail("message-digest", Indication.TotalFailed, SubIndication.HashFailure,
                $"the {digestAlgorithm.Name} of the signed bytes is not the signature's message-digest: the signed bytes were changed, or the signature is of another document");
            return outcome;
        }

        checks.Pass("message-digest", $"the {digestAlgorithm.Name} of the {signedContent.Length} signed bytes is the signature's message-digest");
        try
        {
            signer.CheckSignature([signingCertificate], verifySignatureOnly: true);
        }
        catch (CryptographicException e)
        {
            checks.Fail("signature-value", Indication.TotalFailed, SubIndication.SigCryptoFailure, $"the signature value does not verify with the signer's public key: {e.Message}");
            return outcome;
        }

        checks.Pass("signature-value", $"the signature value verifies with the public key of {signingCertificate.Subject}");
        outcome.Level = "B-B";

        // Signature timestamps: each valid one is a proof the signature value existed at its time.
        var timestamps = signer.UnsignedAttributes.Cast<CryptographicAttributeObject>()
            .Where(a => a.Oid.Value == CadesSignature.SignatureTimeStampTokenOid)
            .SelectMany(a => a.Values.Cast<AsnEncodedData>())
            .ToList();
        var signatureValue = signer.GetSignature();
        foreach (var value in timestamps)
        {
            if (!Rfc3161TimestampToken.TryDecode(value.RawData, out var token, out _))
            {
                outcome.Timestamps.Add(TimestampOutcome.Failed("signature-timestamp", null, null, SubIndication.FormatFailure, "not an RFC 3161 token"));
                continue;
            }

            outcome.Timestamps.Add(TimestampValidation.Validate("signature-timestamp", token, signatureValue, context, outerProofOfExistence));
        }

        var valid = outcome.Timestamps.Where(t => t.Passed).ToList();
        DateTimeOffset? proof = valid.Count > 0 ? valid.Min(t => t.Report.Time!.Value) : null;
        if (outerProofOfExistence is { } outer && (proof is null || outer < proof))
        {
            proof = outer;
        }

        outcome.ProofOfExistence = proof;
        if (timestamps.Count == 0)
        {
            checks.Skip("signature-timestamp", "no signature timestamp: nothing proves when the signature existed (B-B)");
        }
        else if (valid.Count > 0)
        {
            outcome.Level = "B-T";
            checks.Pass("signature-timestamp", $"the signature existed at {valid.Min(t => t.Report.Time):O} ({valid[0].Report.Tsa})");
        }
        else
        {
            // A timestamp that does not validate proves nothing; the signature is judged without it (§5.5.4).
            checks.Skip("signature-timestamp", "no signature timestamp validates, so none proves when the signature existed: " +
                string.Join("; ", outcome.Timestamps.Select(t => $"{t.Report.Indication} {t.Report.SubIndication}: {t.Report.Detail}")));
        }

        // The signer's chain and its revocation at the best-signature-time (§5.2.6, §5.6.2.4).
        var usage = proof ?? context.Now;
        var path = context.Paths.Validate(signingCertificate, usage, proof);
        outcome.Path = path;
        if (path.ChainFailed)
        {
            checks.Fail("certificate-chain", path.Indication, path.SubIndication!.Value, path.Detail);
            checks.Skip("revocation", "no chain to check");
            return outcome;
        }

        checks.Pass("certificate-chain", path.ChainDetail);
        if (path.Indication == Indication.TotalPassed)
        {
            checks.Pass("revocation", $"{path.Detail} ({usage:O})");
        }
        else
        {
            checks.Fail("revocation", path.Indication, path.SubIndication!.Value, path.Detail);
        }

        return outcome;
    }

    private static X509Certificate2? FindInPool(SubjectIdentifier identifier, X509Certificate2Collection pool) => identifier.Value switch
    {
        System.Security.Cryptography.Xml.X509IssuerSerial issuerSerial => pool.FirstOrDefault(c =>
            c.IssuerName.Name == issuerSerial.IssuerName && string.Equals(c.SerialNumber, issuerSerial.SerialNumber, StringComparison.OrdinalIgnoreCase)),
        string subjectKeyIdentifier => pool.FirstOrDefault(c =>
            c.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any(e => string.Equals(e.SubjectKeyIdentifier, subjectKeyIdentifier, StringComparison.OrdinalIgnoreCase))),
        _ => null,
    };

    /// <summary>The first ESSCertIDv2 of signing-certificate-v2 (RFC 5035), the one naming the signer; null when absent or unreadable.</summary>
    private static CertificateReference? SigningCertificateV2(SignerInfo signer)
    {
        var attribute = signer.SignedAttributes.Cast<CryptographicAttributeObject>().FirstOrDefault(a => a.Oid.Value == CadesSignature.SigningCertificateV2Oid);
        if (attribute is null || attribute.Values.Count != 1)
        {
            return null;
        }

        try
        {
            var certIds = new AsnReader(attribute.Values[0].RawData, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            var certId = certIds.ReadSequence();
            var algorithm = HashAlgorithmName.SHA256;
            if (certId.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var identifier = certId.ReadSequence().ReadObjectIdentifier();
                algorithm = TimestampValidation.HashName(identifier) ?? throw new CryptographicException($"unsupported hash {identifier}");
            }

            var hash = certId.ReadOctetString();
            byte[]? issuer = null;
            byte[]? serial = null;
            if (certId.HasData)
            {
                var issuerSerial = certId.ReadSequence();
                var names = issuerSerial.ReadSequence();
                issuer = names.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 4)).ReadEncodedValue().ToArray();
                serial = issuerSerial.ReadIntegerBytes().ToArray();
            }

            return new CertificateReference(algorithm, hash, issuer, serial);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return null;
        }
    }

    private readonly record struct CertificateReference(HashAlgorithmName Algorithm, byte[] Hash, byte[]? Issuer, byte[]? Serial)
    {
        public string? Mismatch(X509Certificate2 certificate)
        {
            if (!CryptographicOperations.HashData(Algorithm, certificate.RawData).AsSpan().SequenceEqual(Hash))
            {
                return $"its {Algorithm.Name} hash is of another certificate";
            }

            if (Issuer is not null && !Issuer.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
            {
                return "its issuer is another";
            }

            return Serial is not null && !Serial.AsSpan().SequenceEqual(certificate.SerialNumberBytes.Span) ? "its serial number is another" : null;
        }
    }
}

/// <summary>What the CMS validation found, for the report and the level reached.</summary>
internal sealed class CmsOutcome
{
    public X509Certificate2? Signer { get; set; }

    /// <summary>B-B when the signature verifies, B-T when a signature timestamp validates too.</summary>
    public string? Level { get; set; }

    public DateTimeOffset? ProofOfExistence { get; set; }

    public List<TimestampOutcome> Timestamps { get; } = [];

    public PathResult? Path { get; set; }

    /// <summary>
    /// Every revocation status the signer's path and a valid signature timestamp's TSA path relied on
    /// came from the file (the condition for B-LT, with the certificates in it).
    /// </summary>
    public bool ValidationDataEmbedded =>
        Path is { ChainFailed: false, AllRevocationEmbedded: true } && Timestamps.Any(t => t.Passed && t.Path is { AllRevocationEmbedded: true });
}

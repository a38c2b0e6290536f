using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Naqil.Documents.Pdf;

namespace Naqil.Documents.Validation;

/// <summary>
/// Validates a sealed PDF (PAdES) or a file with its detached CAdES signature (<c>.p7s</c>) offline,
/// against the given trust anchors, and reports per signature in the terms of ETSI EN 319 102-1. It
/// never throws on its input: whatever the bytes, the answer is a verdict per signature or a refusal
/// saying why nothing could be validated (see docs/documents.md).
/// </summary>
public sealed class DocumentValidator(ValidationOptions options, TimeProvider timeProvider)
{
    /// <summary>Validates the PDF at <paramref name="path"/>, refusing it unread when it is over the size limit.</summary>
    public ValidationReport ValidatePdfFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(path, "PAdES", out var bytes, out var refusal) ? ValidatePdf(bytes!, path) : refusal!;
    }

    /// <summary>Validates the file at <paramref name="dataPath"/> against its detached signature at <paramref name="signaturePath"/>.</summary>
    public ValidationReport ValidateDetachedFiles(string dataPath, string signaturePath)
    {
        ArgumentNullException.ThrowIfNull(dataPath);
        ArgumentNullException.ThrowIfNull(signaturePath);
        if (!Read(dataPath, "CAdES", out var data, out var refusal) || !Read(signaturePath, "CAdES", out var signature, out refusal))
        {
            return refusal!;
        }

        return ValidateDetached(data!, signature!, dataPath);
    }

    public ValidationReport ValidatePdf(byte[] pdf, string name = "document.pdf")
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var now = timeProvider.GetUtcNow();
        if (pdf.LongLength > options.MaxInputBytes)
        {
            return Refuse(name, "PAdES", now, TooLarge(name, pdf.LongLength));
        }

        if (pdf.Length < 8 || pdf.AsSpan(0, Math.Min(pdf.Length, 1024)).IndexOf("%PDF-"u8) < 0)
        {
            return Refuse(name, "PAdES", now, $"{name} is not a PDF (no %PDF- header)");
        }

        PdfFile file;
        List<PdfSignatureField> fields;
        DssData dss;
        try
        {
            file = PdfFile.Read(pdf);
            fields = PdfSignatureReader.ReadFields(file);
            dss = PdfSignatureReader.ReadDss(file);
        }
        catch (Exception e) when (IsInputProblem(e))
        {
            return Refuse(name, "PAdES", now, $"{name} cannot be read as a PDF: {e.Message}");
        }

        if (fields.Count == 0)
        {
            return Refuse(name, "PAdES", now, $"{name} has no signature field with a value: nothing to validate");
        }

        try
        {
            var pool = new X509Certificate2Collection();
            foreach (var der in dss.Certificates)
            {
                try
                {
                    pool.Add(X509CertificateLoader.LoadCertificate(der));
                }
                catch (CryptographicException)
                {
                    dss.Problems.Add("a DSS certificate is not a certificate");
                }
            }

            var context = new ValidationContext(options.TrustAnchors, pool, new RevocationPool(dss.Ocsps, dss.Crls, options.ExtraRevocationData), now);
            var signatures = PadesValidation.Validate(file, fields, dss, context);
            return Report(name, "PAdES", now, signatures);
        }
        catch (Exception e) when (IsInputProblem(e))
        {
            return Refuse(name, "PAdES", now, $"validation of {name} stopped: {e.Message}");
        }
    }

    public ValidationReport ValidateDetached(byte[] data, byte[] signature, string name = "document")
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(signature);
        var now = timeProvider.GetUtcNow();
        if (data.LongLength > options.MaxInputBytes || signature.LongLength > options.MaxInputBytes)
        {
            return Refuse(name, "CAdES", now, TooLarge(name, Math.Max(data.LongLength, signature.LongLength)));
        }

        try
        {
            var der = FromPem(signature);
            var context = new ValidationContext(options.TrustAnchors, [], new RevocationPool([], [], options.ExtraRevocationData), now);
            var checks = new CheckList();
            var outcome = CmsSignatureValidation.Validate(der, data, context, checks, outerProofOfExistence: null);
            var report = new SignatureReport
            {
                Id = "signature",
                Kind = "signature",
                Indication = checks.Indication,
                SubIndication = checks.SubIndication,
                Level = outcome.Level,
                Signer = outcome.Signer is { } signer ? PadesValidation.Describe(signer) : null,
                ProvenSigningTime = outcome.ProofOfExistence,
                Timestamps = [.. outcome.Timestamps.Select(t => t.Report)],
                Revocation = outcome.Path?.Revocation ?? [],
                Checks = checks.Checks,
            };
            return Report(name, "CAdES", now, [report]);
        }
        catch (Exception e) when (IsInputProblem(e))
        {
            return Refuse(name, "CAdES", now, $"validation of {name} stopped: {e.Message}");
        }
    }

    private ValidationReport Report(string name, string format, DateTimeOffset now, IReadOnlyList<SignatureReport> signatures)
    {
        var worst = signatures.OrderByDescending(s => CheckList.Severity(s.Indication)).First();
        return new ValidationReport
        {
            File = name,
            Format = format,
            ValidationTime = now,
            TrustAnchors = Anchors(),
            Indication = worst.Indication,
            SubIndication = worst.SubIndication,
            Signatures = signatures,
        };
    }

    private bool Read(string path, string format, out byte[]? bytes, out ValidationReport? refusal)
    {
        bytes = null;
        refusal = null;
        var now = timeProvider.GetUtcNow();
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                refusal = Refuse(path, format, now, $"{path} does not exist");
                return false;
            }

            if (info.Length > options.MaxInputBytes)
            {
                refusal = Refuse(path, format, now, TooLarge(path, info.Length));
                return false;
            }

            bytes = File.ReadAllBytes(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            refusal = Refuse(path, format, now, $"{path} cannot be read: {e.Message}");
            return false;
        }
    }

    private string TooLarge(string name, long length) =>
        $"{name} is {length} bytes, over the limit of {options.MaxInputBytes} bytes; it was not read (raise the limit with --max-bytes if it is expected)";

    private ValidationReport Refuse(string name, string format, DateTimeOffset now, string why) =>
        ValidationReport.Refused(name, format, now, Anchors(), why);

    private List<string> Anchors() => [.. options.TrustAnchors.Select(anchor => anchor.Subject)];

    /// <summary>A PEM <c>-----BEGIN PKCS7-----</c> (or CMS) signature as DER; DER as is.</summary>
    private static byte[] FromPem(byte[] signature)
    {
        if (!signature.AsSpan().StartsWith("-----BEGIN"u8))
        {
            return signature;
        }

        var text = Encoding.ASCII.GetString(signature);
        var fields = PemEncoding.Find(text);
        return Convert.FromBase64String(text[fields.Base64Data]);
    }

    /// <summary>
    /// Whatever hostile input can make the readers throw. Bugs in this code would show up here too,
    /// and are better reported as a refusal naming them than as a crash of whoever called.
    /// </summary>
    private static bool IsInputProblem(Exception e) => e is not (OutOfMemoryException or OperationCanceledException);
}

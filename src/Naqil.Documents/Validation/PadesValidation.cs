using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Naqil.Documents.Pdf;

namespace Naqil.Documents.Validation;

/// <summary>
/// The signatures of a PAdES PDF (ETSI EN 319 142-1): each /Sig field's CAdES signature over its
/// /ByteRange, and each /DocTimeStamp. Document timestamps are validated first, latest first, because
/// each one that passes proves everything it covers existed at its time (the signatures, their
/// timestamps, the DSS); that proof then serves the signatures and earlier timestamps.
/// </summary>
internal static class PadesValidation
{
    public static List<SignatureReport> Validate(PdfFile file, IReadOnlyList<PdfSignatureField> fields, DssData dss, ValidationContext context)
    {
        var prepared = fields.Select(field => Prepare(file, field)).ToList();
        var reports = new SignatureReport?[prepared.Count];
        var documentTimestamps = new List<(long End, DateTimeOffset Time)>();

        foreach (var (item, index) in prepared.Select((p, i) => (p, i)).Where(x => x.p.IsDocumentTimestamp).OrderByDescending(x => x.p.End))
        {
            var proof = ProofFrom(documentTimestamps, item.End);
            reports[index] = ValidateDocumentTimestamp(file, item, context, proof, documentTimestamps);
        }

        foreach (var (item, index) in prepared.Select((p, i) => (p, i)).Where(x => !x.p.IsDocumentTimestamp))
        {
            reports[index] = ValidateSignature(file, item, dss, context, ProofFrom(documentTimestamps, item.End), documentTimestamps);
        }

        return [.. reports.Select(r => r!)];
    }

    /// <summary>The earliest time a passed document timestamp covering bytes up to <paramref name="end"/> proves.</summary>
    private static DateTimeOffset? ProofFrom(List<(long End, DateTimeOffset Time)> documentTimestamps, long end) =>
        documentTimestamps.Where(t => t.End >= end && end > 0).Select(t => (DateTimeOffset?)t.Time).Min();

    private static SignatureReport ValidateSignature(
        PdfFile file, Prepared item, DssData dss, ValidationContext context, DateTimeOffset? proof, List<(long End, DateTimeOffset Time)> documentTimestamps)
    {
        var checks = item.Checks;
        CmsOutcome? outcome = null;
        if (!item.Stopped)
        {
            outcome = CmsSignatureValidation.Validate(item.Contents!, item.SignedBytes!, context, checks, proof);
            if (!checks.Failed)
            {
                ValidationData(dss, checks);
                Modifications(file, item, checks);
            }
        }

        var level = outcome?.Level;
        if (level == "B-T" && dss.Present && outcome!.ValidationDataEmbedded)
        {
            level = "B-LT";
            if (dss.Offset is { } dssAt && documentTimestamps.Any(t => t.End > dssAt && t.End >= item.End))
            {
                level = "B-LTA";
            }
        }

        return new SignatureReport
        {
            Id = item.Field.Name,
            Kind = "signature",
            Indication = checks.Indication,
            SubIndication = checks.SubIndication,
            Level = level,
            Signer = outcome?.Signer is { } signer ? Describe(signer) : null,
            ClaimedSigningTime = item.Field.ClaimedTime,
            ProvenSigningTime = outcome?.ProofOfExistence,
            Timestamps = outcome?.Timestamps.Select(t => t.Report).ToList() ?? [],
            Revocation = outcome?.Path?.Revocation ?? [],
            Checks = checks.Checks,
        };
    }

    private static SignatureReport ValidateDocumentTimestamp(
        PdfFile file, Prepared item, ValidationContext context, DateTimeOffset? proof, List<(long End, DateTimeOffset Time)> documentTimestamps)
    {
        var checks = item.Checks;
        TimestampOutcome? outcome = null;
        if (!item.Stopped)
        {
            if (!Rfc3161TimestampToken.TryDecode(item.Contents!, out var token, out _))
            {
                checks.Fail("format", Indication.TotalFailed, SubIndication.FormatFailure, "the /Contents is not an RFC 3161 timestamp token");
            }
            else
            {
                checks.Pass("format", "an RFC 3161 timestamp token");
                foreach (var certificate in token.AsSignedCms().Certificates)
                {
                    context.Pool.Add(certificate);
                }

                outcome = TimestampValidation.Validate("document-timestamp", token, item.SignedBytes!, context, proof);
                if (outcome.Passed)
                {
                    checks.Pass("timestamp", $"stamped at {outcome.Report.Time:O} by {outcome.Report.Tsa}; {outcome.Report.Detail}");
                }
                else
                {
                    checks.Fail("timestamp", outcome.Report.Indication, outcome.Report.SubIndication!.Value, outcome.Report.Detail);
                }

                if (!checks.Failed)
                {
                    Modifications(file, item, checks);
                }

                if (checks.Indication == Indication.TotalPassed)
                {
                    documentTimestamps.Add((item.End, outcome.Report.Time!.Value));
                }
            }
        }

        return new SignatureReport
        {
            Id = item.Field.Name,
            Kind = "document-timestamp",
            Indication = checks.Indication,
            SubIndication = checks.SubIndication,
            Signer = outcome?.Tsa is { } tsa ? Describe(tsa) : null,
            ProvenSigningTime = outcome is { Passed: true } ? outcome.Report.Time : null,
            Timestamps = outcome is null ? [] : [outcome.Report],
            Revocation = outcome?.Path?.Revocation ?? [],
            Checks = checks.Checks,
        };
    }

    private static void ValidationData(DssData dss, CheckList checks)
    {
        if (!dss.Present)
        {
            checks.Skip("validation-data", "no DSS: the file carries no certificates or revocation data of its own (B-LT adds them)");
            return;
        }

        var detail = $"DSS: {dss.Certificates.Count} certificate(s), {dss.Ocsps.Count} OCSP response(s), {dss.Crls.Count} CRL(s)";
        checks.Pass("validation-data", dss.Problems.Count == 0 ? detail : $"{detail}; ignored: {string.Join("; ", dss.Problems.Distinct())}");
    }

    private static void Modifications(PdfFile file, Prepared item, CheckList checks)
    {
        IReadOnlyList<string> problems;
        int later;
        try
        {
            (problems, later) = ModificationCheck.Find(file, item.End);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException or ArgumentException)
        {
            (problems, later) = ([$"the later revisions cannot be read: {e.Message}"], 0);
        }

        if (problems.Count > 0)
        {
            checks.Fail("modifications", Indication.Indeterminate, SubIndication.SigConstraintsFailure,
                $"the document was changed after it was signed: {string.Join("; ", problems)}. The signature still covers bytes [0, {item.End}), the document as it was signed");
        }
        else
        {
            checks.Pass("modifications", item.End == file.Bytes.Length
                ? "the signature covers the whole file"
                : $"the {later} later revision(s) only add validation data and signature fields");
        }
    }

    /// <summary>The format and /ByteRange checks, and the bytes the signature is over.</summary>
    private static Prepared Prepare(PdfFile file, PdfSignatureField field)
    {
        var checks = new CheckList();
        var isTimestamp = field.Type == "DocTimeStamp";
        var expected = isTimestamp ? ["ETSI.RFC3161"] : new[] { "ETSI.CAdES.detached", "adbe.pkcs7.detached" };
        if (!expected.Contains(field.SubFilter))
        {
            checks.Fail("format", Indication.TotalFailed, SubIndication.FormatFailure,
                $"/SubFilter /{field.SubFilter} of a /{field.Type} is not supported (expected /{string.Join(" or /", expected)})");
            return new Prepared(field, checks, isTimestamp);
        }

        if (field.ByteRange is not PdfArray { Items.Count: 4 } array || !TryLongs(array, out var range)
            || range[0] != 0 || range[1] <= 0 || range[2] <= range[1] || range[3] < 0)
        {
            checks.Fail("byte-range", Indication.TotalFailed, SubIndication.FormatFailure, $"/ByteRange {field.ByteRange} is not [0 a b c] with 0 < a < b");
            return new Prepared(field, checks, isTimestamp);
        }

        var length = file.Bytes.LongLength;
        var end = range[2] + range[3];
        if (end > length)
        {
            checks.Fail("byte-range", Indication.Indeterminate, SubIndication.SignedDataNotFound,
                $"/ByteRange runs to byte {end}, past the end of the file ({length} bytes): the file is truncated");
            return new Prepared(field, checks, isTimestamp);
        }

        var gap = Encoding.Latin1.GetString(file.Bytes, (int)range[1], (int)(range[2] - range[1]));
        if (gap.Length < 2 || gap[0] != '<' || gap[^1] != '>' || !gap[1..^1].All(char.IsAsciiHexDigit) || gap.Length % 2 != 0)
        {
            checks.Fail("byte-range", Indication.TotalFailed, SubIndication.FormatFailure, $"the bytes [{range[1]}, {range[2]}) the /ByteRange leaves out are not one hex string");
            return new Prepared(field, checks, isTimestamp);
        }

        var containerAt = field.Container is { } container ? file.OffsetOf(container.Number) : null;
        var containerEnd = containerAt is { } at && at >= 0 && at < length ? file.Bytes.AsSpan((int)at).IndexOf("endobj"u8) + at : -1;
        if (field.ContentsText != gap || containerAt is not { } start || start >= range[1] || containerEnd < range[2])
        {
            checks.Fail("byte-range", Indication.TotalFailed, SubIndication.FormatFailure,
                $"the bytes the /ByteRange leaves out are not this signature's /Contents (object {field.Container?.Number})");
            return new Prepared(field, checks, isTimestamp);
        }

        byte[] contents;
        try
        {
            var hex = Convert.FromHexString(gap.AsSpan(1, gap.Length - 2));
            AsnDecoder.ReadEncodedValue(hex, AsnEncodingRules.BER, out _, out _, out var used);
            contents = hex[..used];
        }
        catch (Exception e) when (e is FormatException or AsnContentException)
        {
            checks.Fail("format", Indication.TotalFailed, SubIndication.FormatFailure, $"the /Contents is not DER: {e.Message}");
            return new Prepared(field, checks, isTimestamp);
        }

        var signed = new byte[range[1] + range[3]];
        file.Bytes.AsSpan(0, (int)range[1]).CopyTo(signed);
        file.Bytes.AsSpan((int)range[2], (int)range[3]).CopyTo(signed.AsSpan((int)range[1]));
        checks.Pass("byte-range", string.Create(CultureInfo.InvariantCulture,
            $"covers [0, {range[1]}) and [{range[2]}, {end}) of {length} bytes: everything {(end == length ? "in the file" : "up to the end of its revision")} but its own /Contents"));
        return new Prepared(field, checks, isTimestamp) { Contents = contents, SignedBytes = signed, End = end };
    }

    private static bool TryLongs(PdfArray array, out long[] values)
    {
        values = new long[array.Items.Count];
        for (var i = 0; i < values.Length; i++)
        {
            if (array.Items[i] is not PdfScalar scalar || !long.TryParse(scalar.Text, NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] > int.MaxValue)
            {
                return false;
            }
        }

        return true;
    }

    public static CertificateReport Describe(X509Certificate2 certificate)
    {
        string? organizationIdentifier = null;
        foreach (var name in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (name.HasMultipleElements)
            {
                continue;
            }

            if (name.GetSingleElementType().Value == "2.5.4.97")
            {
                organizationIdentifier = name.GetSingleElementValue();
            }
        }

        return new CertificateReport(
            certificate.Subject,
            organizationIdentifier,
            certificate.Issuer,
            certificate.SerialNumber,
            certificate.NotBefore.ToUniversalTime(),
            certificate.NotAfter.ToUniversalTime(),
            certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256));
    }

    private sealed record Prepared(PdfSignatureField Field, CheckList Checks, bool IsDocumentTimestamp)
    {
        public byte[]? Contents { get; init; }

        public byte[]? SignedBytes { get; init; }

        public long End { get; init; }

        public bool Stopped => Contents is null;
    }
}

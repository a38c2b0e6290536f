using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Naqil.Documents.Pdf;

namespace Naqil.Documents.Sealing;

/// <summary>
/// Seals a PDF with a PAdES baseline signature (ETSI EN 319 142-1), each level an incremental
/// update over the one before, so every earlier byte stays signed:
/// <list type="number">
/// <item>B-B: a signature field and a /Sig dictionary (/Filter /Adobe.PPKLite, /SubFilter
/// /ETSI.CAdES.detached, /M the signing time) whose /Contents is a detached CAdES signature over
/// the /ByteRange (see <see cref="CadesSignature"/>);</item>
/// <item>B-T: the TSA's token over the signature value in that CMS, before it is written;</item>
/// <item>B-LT: a second update adding the catalog's /DSS: every certificate of the seal's and the
/// TSA's chains, the OCSP responses and CRLs the revocation source gives for each certificate
/// below a root, and a /VRI entry for the signature;</item>
/// <item>B-LTA: a third update with a /DocTimeStamp (/SubFilter /ETSI.RFC3161) over all of it.</item>
/// </list>
/// </summary>
public sealed class PadesSealer(TimeProvider timeProvider)
{
    // Room for the CMS: three P-256 certificates, the TSA token and its certificate fit in a few
    // KiB; on the rare overflow the field is written again with the size the signature needed.
    private const int InitialReservation = 16 * 1024;

    public async Task<byte[]> SealAsync(
        byte[] pdf,
        SealKey key,
        ITimestampClient? tsa,
        IRevocationSource? revocation,
        PadesLevel level,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(key);
        if (level >= PadesLevel.BaselineT && tsa is null)
        {
            throw new ArgumentException($"{level} needs a TSA.", nameof(tsa));
        }

        if (level >= PadesLevel.BaselineLT && revocation is null)
        {
            throw new ArgumentException($"{level} needs a revocation source.", nameof(revocation));
        }

        Rfc3161TimestampToken? signatureTimestamp = null;
        var signature = new PdfDictionary
        {
            ["Type"] = new PdfName("Sig"),
            ["Filter"] = new PdfName("Adobe.PPKLite"),
            ["SubFilter"] = new PdfName("ETSI.CAdES.detached"),
            ["M"] = new PdfScalar(PdfDate(timeProvider.GetUtcNow())),
        };
        var signed = await AppendWithRoomAsync(pdf, signature, "Seal", async (covered, ct) =>
        {
            var cms = CadesSignature.Sign(covered, key);
            if (level >= PadesLevel.BaselineT)
            {
                signatureTimestamp = await CadesSignature.AddSignatureTimestampAsync(cms, tsa!, ct);
            }

            return cms.Encode();
        }, cancellationToken);

        var output = signed.Pdf;
        if (level >= PadesLevel.BaselineLT)
        {
            var tsaCertificates = signatureTimestamp!.AsSignedCms().Certificates.Cast<X509Certificate2>().Concat(tsa!.Chain);
            var certificates = Distinct([key.Certificate, .. key.Chain, .. tsaCertificates]);
            output = await DocumentSecurityStore.AppendAsync(output, signed.Contents, certificates, revocation!, cancellationToken);
        }

        if (level >= PadesLevel.BaselineLTA)
        {
            var timestamp = new PdfDictionary
            {
                ["Type"] = new PdfName("DocTimeStamp"),
                ["Filter"] = new PdfName("Adobe.PPKLite"),
                ["SubFilter"] = new PdfName("ETSI.RFC3161"),
            };
            var stamped = await AppendWithRoomAsync(output, timestamp, "DocumentTimestamp", async (covered, ct) =>
                (await CadesSignature.TimestampDataAsync(covered, tsa!, ct)).AsSignedCms().Encode(), cancellationToken);
            output = stamped.Pdf;
        }

        return output;
    }

    private static async Task<SignedUpdate> AppendWithRoomAsync(
        byte[] pdf,
        PdfDictionary signature,
        string fieldPrefix,
        Func<byte[], CancellationToken, Task<byte[]>> sign,
        CancellationToken cancellationToken)
    {
        try
        {
            return await SignatureFields.AppendAsync(pdf, Copy(signature), fieldPrefix, InitialReservation, sign, cancellationToken);
        }
        catch (ContentsTooLargeException tooLarge)
        {
            return await SignatureFields.AppendAsync(pdf, Copy(signature), fieldPrefix, tooLarge.Needed + 4096, sign, cancellationToken);
        }
    }

    private static PdfDictionary Copy(PdfDictionary source)
    {
        var copy = new PdfDictionary();
        foreach (var (name, value) in source.Entries)
        {
            copy[name] = value;
        }

        return copy;
    }

    private static List<X509Certificate2> Distinct(IEnumerable<X509Certificate2> certificates) =>
        [.. certificates.DistinctBy(certificate => Convert.ToHexString(SHA256.HashData(certificate.RawData)))];

    /// <summary>A PDF date (ISO 32000-1 §7.9.4) in UTC: <c>(D:20250601093000+00'00')</c>.</summary>
    private static string PdfDate(DateTimeOffset time) =>
        "(D:" + time.ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "+00'00')";
}

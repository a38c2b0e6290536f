using Naqil.Agencies.Documents;
using Naqil.Agencies.Documents.Storage;
using Naqil.Documents.Rendering;
using Naqil.Documents.Sealing;

namespace Naqil.Agencies.CivilRegistry;

/// <summary>How the civil registry seals what it issues: its seal, the TSA, where revocation data comes from, the verification address printed in the QR code, and the PAdES level.</summary>
public sealed record ExtractIssuerOptions(SealKey Seal, ITimestampClient Timestamps, IRevocationSource Revocation, Uri VerifyBase)
{
    public PadesLevel Level { get; init; } = PadesLevel.BaselineLT;
}

/// <summary>
/// Issues certified extracts of a person's civil record: rendered (Arabic, then English, with the
/// QR code of its verification address) and sealed with the registry's organisation seal as PAdES
/// (docs/documents.md). Each extract has a new id and its issue time. With a store, each is
/// recorded (id, type, issuer, QR hash, time, seal; no personal data) before it is handed out, so
/// every extract in circulation can be looked up by its QR code.
/// </summary>
public sealed class ExtractIssuer(ExtractIssuerOptions options, TimeProvider time, IIssuedDocumentStore? store = null)
{
    private readonly PadesSealer _sealer = new(time);

    public async Task<IssuedExtract> IssueAsync(Person person, CancellationToken cancellationToken)
    {
        var issued = time.GetUtcNow();
        var info = new DocumentInfo(Guid.CreateVersion7(issued), issued, options.VerifyBase);
        var rendered = CivilRecordExtract.Render(person, info);
        var pdf = await _sealer.SealAsync(rendered.Pdf, options.Seal, options.Timestamps, options.Revocation, options.Level, cancellationToken);
        if (store is not null)
        {
            var seal = options.Seal.Certificate;
            await store.RecordAsync(new IssuedDocument(info.Id, CivilRecordExtract.DocumentType, CivilRecordExtract.Issuer, rendered.Hash, issued, seal.SerialNumber, seal.Issuer), cancellationToken);
        }

        return new IssuedExtract(info.Id, pdf, rendered.Hash);
    }
}

/// <summary>A sealed extract: its id, the PDF, and the hash its QR code carries.</summary>
public sealed record IssuedExtract(Guid Id, byte[] Pdf, string Hash);

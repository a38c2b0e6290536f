using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Documents.Pdf;

namespace Naqil.Documents.Sealing;

/// <summary>
/// The Document Security Store (ETSI EN 319 142-1 §5.4.2, ISO 32000-2 §12.8.4.3), appended as an
/// incremental update: /Certs, /OCSPs and /CRLs arrays of streams holding the DER, and a /VRI
/// entry, keyed by the upper-case hex SHA-1 of the signature's /Contents, naming those that
/// validate it.
/// </summary>
internal static class DocumentSecurityStore
{
    public static async Task<byte[]> AppendAsync(
        byte[] pdf,
        byte[] signatureContents,
        IReadOnlyList<X509Certificate2> certificates,
        IRevocationSource revocation,
        CancellationToken cancellationToken)
    {
        var ocsps = new List<byte[]>();
        var crls = new List<byte[]>();
        foreach (var certificate in certificates)
        {
            if (IsSelfIssued(certificate))
            {
                continue; // A root is trusted as such; nothing revokes it.
            }

            var issuer = certificates.FirstOrDefault(candidate => candidate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
                ?? throw new InvalidOperationException($"The issuer of {certificate.Subject} is not among the validation certificates.");
            var data = await revocation.GetAsync(certificate, issuer, cancellationToken);
            ocsps.AddRange(data.OcspResponses);
            crls.AddRange(data.Crls);
        }

        var file = PdfFile.Read(pdf);
        var catalog = file.GetDictionary(file.RootReference);
        if (catalog["DSS"] is not null)
        {
            throw new NotSupportedException("The PDF already has a DSS; adding to one is not supported yet.");
        }

        var update = new IncrementalUpdate(file);
        var certificateReferences = Streams(update, certificates.Select(certificate => certificate.RawData));
        var ocspReferences = Streams(update, DistinctBytes(ocsps));
        var crlReferences = Streams(update, DistinctBytes(crls));

        var dss = new PdfDictionary { ["Type"] = new PdfName("DSS") };
        var vri = new PdfDictionary();
        AddArray(dss, "Certs", certificateReferences);
        AddArray(dss, "OCSPs", ocspReferences);
        AddArray(dss, "CRLs", crlReferences);
        AddArray(vri, "Cert", certificateReferences);
        AddArray(vri, "OCSP", ocspReferences);
        AddArray(vri, "CRL", crlReferences);
        dss["VRI"] = new PdfDictionary { [Convert.ToHexString(SHA1.HashData(signatureContents))] = vri };

        var dssReference = update.Allocate();
        update.Set(dssReference, dss);
        catalog["DSS"] = dssReference;
        update.Set(file.RootReference, catalog);
        return update.Build();
    }

    private static List<PdfValue> Streams(IncrementalUpdate update, IEnumerable<byte[]> items)
    {
        var references = new List<PdfValue>();
        foreach (var item in items)
        {
            var reference = update.Allocate();
            update.SetStream(reference, item);
            references.Add(reference);
        }

        return references;
    }

    private static void AddArray(PdfDictionary dictionary, string key, List<PdfValue> references)
    {
        if (references.Count > 0)
        {
            dictionary[key] = new PdfArray([.. references]);
        }
    }

    private static IEnumerable<byte[]> DistinctBytes(IEnumerable<byte[]> items) =>
        items.DistinctBy(Convert.ToHexString);

    private static bool IsSelfIssued(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
}

using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Naqil.Documents.Validation;

/// <summary>
/// The OCSP responses (RFC 6960) and CRLs (RFC 5280) a validation may use, all of them offline: those in
/// the PDF's DSS and those given beside the file. An item counts for a certificate only when it is
/// signed by the certificate's issuer (an OCSP response may also be signed by a responder certificate
/// the issuer gave id-kp-OCSPSigning) and names that certificate; anything unreadable is ignored with
/// a reason. BouncyCastle reads them: the framework has no OCSP API.
/// </summary>
internal sealed class RevocationPool
{
    private const string OcspSigningOid = "1.3.6.1.5.5.7.3.9";

    private readonly List<(byte[] Der, bool Embedded)> _ocsps = [];
    private readonly List<(byte[] Der, bool Embedded)> _crls = [];

    public RevocationPool(IEnumerable<byte[]> embeddedOcsps, IEnumerable<byte[]> embeddedCrls, IEnumerable<byte[]> given)
    {
        _ocsps.AddRange(embeddedOcsps.Select(der => (der, true)));
        _crls.AddRange(embeddedCrls.Select(der => (der, true)));
        foreach (var der in given)
        {
            // A CRL is a SEQUENCE of a SEQUENCE; an OCSPResponse a SEQUENCE of an ENUMERATED.
            if (IsOcspResponse(der))
            {
                _ocsps.Add((der, false));
            }
            else
            {
                _crls.Add((der, false));
            }
        }
    }

    public bool IsEmpty => _ocsps.Count == 0 && _crls.Count == 0;

    /// <summary>
    /// What the pool says about <paramref name="certificate"/>: the earliest revocation any usable item
    /// reports, otherwise the most recent "good", otherwise unknown with why.
    /// </summary>
    public RevocationStatus Find(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        var parser = new X509CertificateParser();
        var bcCertificate = parser.ReadCertificate(certificate.RawData);
        var bcIssuer = parser.ReadCertificate(issuer.RawData);
        var found = new List<RevocationStatus>();
        var ignored = new List<string>();
        foreach (var (der, embedded) in _ocsps)
        {
            try
            {
                found.AddRange(FromOcsp(der, embedded, bcCertificate, bcIssuer, ignored));
            }
            catch (Exception e)
            {
                ignored.Add($"an OCSP response could not be read ({e.GetType().Name})");
            }
        }

        foreach (var (der, embedded) in _crls)
        {
            try
            {
                if (FromCrl(der, embedded, bcCertificate, bcIssuer, ignored) is { } status)
                {
                    found.Add(status);
                }
            }
            catch (Exception e)
            {
                ignored.Add($"a CRL could not be read ({e.GetType().Name})");
            }
        }

        if (found.Where(s => s.Status == "revoked").OrderBy(s => s.RevocationTime).FirstOrDefault() is { } revoked)
        {
            return revoked;
        }

        if (found.OrderByDescending(s => s.IssuedAt).FirstOrDefault() is { } good)
        {
            return good;
        }

        var why = ignored.Count == 0 ? "no OCSP response or CRL for it" : "no usable OCSP response or CRL for it: " + string.Join("; ", ignored.Distinct());
        return new RevocationStatus("unknown", null, null, null, null, false, why);
    }

    private static IEnumerable<RevocationStatus> FromOcsp(byte[] der, bool embedded, BcCertificate certificate, BcCertificate issuer, List<string> ignored)
    {
        var response = new OcspResp(der);
        if (response.Status != OcspRespStatus.Successful || response.GetResponseObject() is not BasicOcspResp basic)
        {
            ignored.Add($"an OCSP response has status {response.Status}");
            yield break;
        }

        var mine = basic.Responses.Where(single => single.GetCertID().SerialNumber.Equals(certificate.SerialNumber) && single.GetCertID().MatchesIssuer(issuer)).ToList();
        if (mine.Count == 0)
        {
            yield break;
        }

        if (!SignedByIssuerOrItsResponder(basic, issuer))
        {
            ignored.Add("an OCSP response is not signed by the issuer or a responder it authorised");
            yield break;
        }

        foreach (var single in mine)
        {
            var thisUpdate = new DateTimeOffset(DateTime.SpecifyKind(single.ThisUpdate, DateTimeKind.Utc));
            DateTimeOffset? nextUpdate = single.NextUpdate is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;
            switch (single.GetCertStatus())
            {
                case null:
                    yield return new RevocationStatus("good", "OCSP", thisUpdate, nextUpdate, null, embedded, "OCSP response: good");
                    break;
                case RevokedStatus revoked:
                    var time = new DateTimeOffset(DateTime.SpecifyKind(revoked.RevocationTime, DateTimeKind.Utc));
                    yield return new RevocationStatus("revoked", "OCSP", thisUpdate, nextUpdate, time, embedded, $"OCSP response: revoked at {time:O}");
                    break;
                default:
                    ignored.Add("an OCSP response says unknown");
                    break;
            }
        }
    }

    private static bool SignedByIssuerOrItsResponder(BasicOcspResp basic, BcCertificate issuer)
    {
        if (basic.Verify(issuer.GetPublicKey()))
        {
            return true;
        }

        foreach (var responder in basic.GetCerts() ?? [])
        {
            try
            {
                responder.Verify(issuer.GetPublicKey());
                if (responder.GetExtendedKeyUsage()?.Any(usage => usage.Id == OcspSigningOid) == true && basic.Verify(responder.GetPublicKey()))
                {
                    return true;
                }
            }
            catch (Exception)
            {
                // Not issued by the issuer, or a broken certificate: not a responder for it.
            }
        }

        return false;
    }

    private static RevocationStatus? FromCrl(byte[] der, bool embedded, BcCertificate certificate, BcCertificate issuer, List<string> ignored)
    {
        var crl = new X509CrlParser().ReadCrl(der);
        if (crl is null || !crl.IssuerDN.Equivalent(certificate.IssuerDN))
        {
            return null;
        }

        try
        {
            crl.Verify(issuer.GetPublicKey());
        }
        catch (Exception)
        {
            ignored.Add("a CRL is not signed by the issuer");
            return null;
        }

        var thisUpdate = new DateTimeOffset(DateTime.SpecifyKind(crl.ThisUpdate, DateTimeKind.Utc));
        DateTimeOffset? nextUpdate = crl.NextUpdate is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;
        if (crl.GetRevokedCertificate(certificate.SerialNumber) is { } entry)
        {
            var time = new DateTimeOffset(DateTime.SpecifyKind(entry.RevocationDate, DateTimeKind.Utc));
            return new RevocationStatus("revoked", "CRL", thisUpdate, nextUpdate, time, embedded, $"CRL: revoked at {time:O}");
        }

        return new RevocationStatus("good", "CRL", thisUpdate, nextUpdate, null, embedded, "CRL: not listed");
    }

    private static bool IsOcspResponse(byte[] der)
    {
        try
        {
            var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.BER).ReadSequence();
            return reader.PeekTag().HasSameClassAndValue(System.Formats.Asn1.Asn1Tag.Enumerated);
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            return false;
        }
    }
}

/// <summary>One usable answer about a certificate, or "unknown" with why.</summary>
internal sealed record RevocationStatus(
    string Status,
    string? Source,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? NextUpdate,
    DateTimeOffset? RevocationTime,
    bool Embedded,
    string Detail)
{
    /// <summary>
    /// Fresh for a use at <paramref name="usageTime"/> (EN 319 102-1 §5.2.5 with no constraint given: the
    /// maximum age is the item's own nextUpdate − thisUpdate; without a nextUpdate it must be issued after the use).
    /// </summary>
    public bool IsFreshFor(DateTimeOffset usageTime) =>
        IssuedAt is { } issued && (NextUpdate is { } next ? issued >= usageTime - (next - issued) : issued >= usageTime);
}

using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Storage;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Ocsp;
using BcX509Certificate = Org.BouncyCastle.X509.X509Certificate;
using BcX509CertificateParser = Org.BouncyCastle.X509.X509CertificateParser;
using BcX509Extension = Org.BouncyCastle.Asn1.X509.X509Extension;
using BcX509Extensions = Org.BouncyCastle.Asn1.X509.X509Extensions;

namespace Naqil.Registry.Certificates.Pki;

/// <summary>
/// Each CA's OCSP responder (RFC 6960), answering from the store as it is now, so a revocation
/// shows in the very next answer. Each certificate asked about is <c>good</c> (issued by this CA
/// and not revoked), <c>revoked</c> (with the time and, unless unspecified, the reason) or
/// <c>unknown</c> (a serial this CA never issued, or a CertID naming another issuer). Responses
/// are signed by the CA's delegated responder (<see cref="OcspSigners"/>), name it by key hash,
/// carry its certificate, echo the request's nonce (RFC 8954: 1 to 32 octets) and have no
/// nextUpdate: newer information is always available here. A request that is not a DER
/// OCSPRequest, asks about nothing or more than <see cref="MaxCertificates"/> certificates, or
/// carries a nonce out of bounds gets <c>malformedRequest</c>; a failure while answering gets
/// <c>internalError</c>. Nothing here throws on bad input.
/// </summary>
internal sealed class OcspResponder(OcspSigners signers, ICertificateStore store, TimeProvider time, ILogger<OcspResponder> logger)
{
    /// <summary>The most certificates one request may ask about.</summary>
    public const int MaxCertificates = 16;

    public const string RequestMediaType = "application/ocsp-request";
    public const string ResponseMediaType = "application/ocsp-response";

    private const int MaxNonceLength = 32;

    private readonly ConcurrentDictionary<string, BcX509Certificate> _issuers = new(StringComparer.Ordinal);

    public async Task<byte[]> RespondAsync(RegistryCa ca, byte[] requestDer, CancellationToken cancellationToken)
    {
        if (!TryRead(requestDer, out var requests, out var nonce))
        {
            Log.OcspAnswered(logger, ca.Name, "malformedRequest");
            return Unsuccessful(OcspRespStatus.MalformedRequest);
        }

        try
        {
            var signer = await signers.GetAsync(ca, cancellationToken);
            var issuer = _issuers.GetOrAdd(ca.Name, _ => new BcX509CertificateParser().ReadCertificate(ca.Certificate.RawData));
            var now = time.GetUtcNow();
            var thisUpdate = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)).UtcDateTime;
            var generator = new BasicOcspRespGenerator(new RespID(signer.BcCertificate.GetPublicKey()));
            var statuses = new List<string>(requests.Length);
            foreach (var request in requests)
            {
                var id = request.GetCertID();
                var (status, name) = await StatusAsync(ca, issuer, id, cancellationToken);
                generator.AddResponse(id, status, thisUpdate, null, null);
                statuses.Add(name);
            }

            if (nonce is not null)
            {
                generator.SetResponseExtensions(new BcX509Extensions(new Dictionary<DerObjectIdentifier, BcX509Extension>
                {
                    [OcspObjectIdentifiers.PkixOcspNonce] = nonce,
                }));
            }

            var basic = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", signer.Key), [signer.BcCertificate], thisUpdate);
            Log.OcspAnswered(logger, ca.Name, string.Join(", ", statuses));
            return new OCSPRespGenerator().Generate(OcspRespStatus.Successful, basic).GetEncoded();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.OcspFailed(logger, ca.Name, e);
            return Unsuccessful(OcspRespStatus.InternalError);
        }
    }

    /// <summary>An OCSPResponse with only a status: malformedRequest, internalError and the like carry no body (RFC 6960 §4.2.1).</summary>
    public static byte[] Unsuccessful(int status) => new OCSPRespGenerator().Generate(status, null).GetEncoded();

    private async Task<(CertificateStatus? Status, string Name)> StatusAsync(RegistryCa ca, BcX509Certificate issuer, CertificateID id, CancellationToken cancellationToken)
    {
        if (!MatchesIssuer(id, issuer))
        {
            return (new UnknownStatus(), "unknown (another issuer)");
        }

        // The CertID's serial as an INTEGER's content octets: the same upper-case hex the store keeps.
        var serial = Convert.ToHexString(id.SerialNumber.ToByteArray());
        var entry = await store.FindIssuedAsync(ca.Name, serial, cancellationToken);
        if (entry is null)
        {
            return (new UnknownStatus(), $"unknown ({serial})");
        }

        if (entry.Revocation is not { } revocation)
        {
            return (CertificateStatus.Good, $"good ({serial})");
        }

        var at = revocation.RevokedAt.UtcDateTime;
        return revocation.Reason == X509RevocationReason.Unspecified
            ? (new RevokedStatus(at), $"revoked ({serial})")
            : (new RevokedStatus(at, (int)revocation.Reason), $"revoked ({serial}, {RevocationReasons.Name(revocation.Reason)})");
    }

    /// <summary>The CertID's issuer name and key hashes, with its own hash algorithm; false for an algorithm BouncyCastle does not know.</summary>
    private static bool MatchesIssuer(CertificateID id, BcX509Certificate issuer)
    {
        try
        {
            return id.MatchesIssuer(issuer);
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static bool TryRead(byte[] der, out Req[] requests, out BcX509Extension? nonce)
    {
        requests = [];
        nonce = null;
        try
        {
            if (!System.Formats.Asn1.AsnDecoder.TryReadEncodedValue(der, System.Formats.Asn1.AsnEncodingRules.DER, out _, out _, out _, out var consumed)
                || consumed != der.Length)
            {
                // Not one DER value, or bytes after it: not the request a client meant to send.
                return false;
            }

            var request = new OcspReq(der);

            requests = request.GetRequestList();
            nonce = request.RequestExtensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce);
            if (nonce is not null)
            {
                var octets = Asn1OctetString.GetInstance(Asn1Object.FromByteArray(nonce.Value.GetOctets())).GetOctets();
                if (octets.Length is 0 or > MaxNonceLength)
                {
                    return false;
                }
            }

            return requests.Length is > 0 and <= MaxCertificates;
        }
        catch (Exception)
        {
            // BouncyCastle reports bad ASN.1 through several exception types; each is a malformed request.
            return false;
        }
    }
}

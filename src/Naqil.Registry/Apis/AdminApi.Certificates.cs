using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Naqil.Registry.Certificates;
using Naqil.Registry.Certificates.Pki;
using Naqil.Registry.Members;
using Naqil.Registry.Storage;

namespace Naqil.Registry.Apis;

/// <summary>Issuing certificates from CSRs, listing what the PKI's CAs issued, and revoking.</summary>
internal static partial class AdminApi
{
    /// <summary>At most 20 octets (RFC 5280 §4.1.2.2), as hex.</summary>
    private const int MaxSerialHexLength = 40;

    private static async Task<Results<Ok<IssuedCertificateResponse>, RegistryProblem>> IssueCertificate(HttpRequest request, AdminServices services)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, AdminJsonContext.Default.IssueCertificateRequest);
        if (problem is not null)
        {
            return problem;
        }

        if (!CertificateKinds.TryParseRequestable(body!.Kind, out var kind))
        {
            return RegistryProblem.BadRequest(
                $"'kind' is '{body.Kind}'; use 'tls' for a gateway's mutual-TLS certificate, 'signing' for its message-signing certificate or 'seal' for an organisation seal");
        }

        SealOrganisation? organisation = null;
        if (kind == CertificateKind.Seal)
        {
            if (body.Member is null)
            {
                return RegistryProblem.BadRequest("a seal needs 'member', the registered member it seals for, such as SY/GOV/CIVREG");
            }

            if (!RouteIdentifiers.TryMember(services.Instance, body.Member, out var memberId, out var error))
            {
                return RegistryProblem.BadIdentifier(error);
            }

            var snapshot = await services.Store.ReadSnapshotAsync(request.HttpContext.RequestAborted);
            if (snapshot.Members.FirstOrDefault(m => m.Id == memberId) is not { } member)
            {
                return MissingMember(memberId);
            }

            if (member.Name.Length > RegistryCertificateAuthority.MaxNameLength)
            {
                return RegistryProblem.Conflict(
                    $"the member {memberId} is named '{member.Name}', longer than the {RegistryCertificateAuthority.MaxNameLength} characters a certificate's organisation name holds; PUT a shorter name first");
            }

            organisation = new SealOrganisation(memberId.ToString(), member.Name);
        }
        else if (body.Member is not null)
        {
            return RegistryProblem.BadRequest("'member' names a seal's organisation; a tls or signing certificate takes its subject from the CSR, so leave 'member' out");
        }

        CertificateIssuance issued;
        try
        {
            issued = await services.Authority.IssueAsync(
                new CertificateIssueRequest(body.Csr, kind.Value) { Organisation = organisation }, request.HttpContext.RequestAborted);
        }
        catch (Naqil.Keys.SigningUnavailableException e)
        {
            return RegistryProblem.SigningUnavailable(e);
        }

        return issued.Succeeded
            ? TypedResults.Ok(new IssuedCertificateResponse(issued.CertificatePem!, issued.Issuer!, issued.Serial!))
            : RegistryProblem.BadCertificate(issued.Error!);
    }

    private static async Task<Ok<CertificatesResponse>> ListCertificates(AdminServices services, CancellationToken cancellationToken)
    {
        var entries = await services.Certificates.ListIssuedAsync(cancellationToken);
        var now = services.Time.GetUtcNow();
        return TypedResults.Ok(new CertificatesResponse([.. entries.Select(e => ToResponse(e, now, withCertificate: false))]));
    }

    private static async Task<Results<Ok<CertificateResponse>, RegistryProblem>> GetCertificate(
        string issuer, string serial, AdminServices services, CancellationToken cancellationToken)
    {
        var (entry, problem) = await FindIssuedAsync(issuer, serial, services, cancellationToken);
        return entry is null ? problem! : TypedResults.Ok(ToResponse(entry, services.Time.GetUtcNow(), withCertificate: true));
    }

    private static async Task<Results<Ok<CertificateResponse>, RegistryProblem>> RevokeCertificate(
        string issuer, string serial, HttpRequest request, AdminServices services)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var (entry, problem) = await FindIssuedAsync(issuer, serial, services, cancellationToken);
        if (entry is null)
        {
            return problem!;
        }

        var (body, bodyProblem) = await JsonBody.ReadAsync(request, AdminJsonContext.Default.RevokeCertificateRequest);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (!RevocationReasons.TryParse(body!.Reason, out var reason))
        {
            return RegistryProblem.BadRequest($"'reason' is '{body.Reason}'; use one of {RevocationReasons.AcceptedNames}");
        }

        var record = entry.Certificate;
        if (!CertificateKinds.TryParseRequestable(record.Kind, out _))
        {
            return RegistryProblem.Conflict(
                $"{record.Issuer}/{record.Serial} is the registry's own '{record.Kind}' certificate; the admin API revokes only certificates issued from CSRs (tls, signing, seal). See docs/pki.md for replacing a CA or the TSA");
        }

        var now = services.Time.GetUtcNow();
        var (outcome, revoked) = await services.Certificates.RevokeAsync(record.Issuer, record.Serial, new RevocationRecord(now, reason.Value), cancellationToken);
        var earlier = revoked!.Revocation!;
        if (outcome == StoreOutcome.Unchanged)
        {
            // Asking again for the same revocation is answered as the first time; a revocation is never changed.
            return earlier.Reason == reason
                ? TypedResults.Ok(ToResponse(revoked, now, withCertificate: false))
                : RegistryProblem.Conflict(
                    $"{record.Issuer}/{record.Serial} was revoked at {earlier.RevokedAt:O} with reason {RevocationReasons.Name(earlier.Reason)}; a revocation is final and its reason is not changed");
        }

        // The next CRL is signed at once; OCSP answers from the store, so it tells already.
        await services.Crls.RegenerateAsync(services.Pki.Find(record.Issuer)!, cancellationToken);
        Log.CertificateRevoked(services.Logger, record.Issuer, record.Serial, record.Subject, RevocationReasons.Name(reason.Value));
        return TypedResults.Ok(ToResponse(revoked, now, withCertificate: false));
    }

    private static async Task<(IssuedCertificateEntry? Entry, RegistryProblem? Problem)> FindIssuedAsync(
        string issuer, string serial, AdminServices services, CancellationToken cancellationToken)
    {
        if (services.Pki.Find(issuer) is null)
        {
            return (null, RegistryProblem.NotFound($"the registry has no CA named '{issuer}'; its CAs are root, gateway and seal"));
        }

        if (!TryNormalizeSerial(serial, out var normalized))
        {
            return (null, RegistryProblem.BadRequest($"the serial '{serial}' is not a certificate serial in hex (1 to {MaxSerialHexLength} digits), as GET /admin/v1/certificates lists them"));
        }

        var entry = await services.Certificates.FindIssuedAsync(issuer, normalized, cancellationToken);
        return entry is null
            ? (null, RegistryProblem.NotFound($"the {issuer} CA has not issued a certificate with serial {normalized}; GET /admin/v1/certificates lists those it has"))
            : (entry, null);
    }

    /// <summary>Upper-case hex with an even number of digits, as the store keeps serials.</summary>
    private static bool TryNormalizeSerial(string serial, out string normalized)
    {
        normalized = serial.Length % 2 == 0 ? serial.ToUpperInvariant() : "0" + serial.ToUpperInvariant();
        return serial.Length is > 0 and <= MaxSerialHexLength && serial.All(char.IsAsciiHexDigit);
    }

    private static CertificateResponse ToResponse(IssuedCertificateEntry entry, DateTimeOffset now, bool withCertificate)
    {
        var (certificate, revocation) = (entry.Certificate, entry.Revocation);
        var status = revocation is not null ? "revoked" : now > certificate.NotAfter ? "expired" : "good";
        return new CertificateResponse(
            certificate.Issuer, certificate.Serial, certificate.Kind, certificate.Subject, certificate.Member, certificate.NotBefore, certificate.NotAfter,
            status, revocation?.RevokedAt, revocation is null ? null : RevocationReasons.Name(revocation.Reason),
            withCertificate ? new string(PemEncoding.Write("CERTIFICATE", certificate.Certificate)) : null);
    }
}

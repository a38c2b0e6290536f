using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Naqil.Registry.Certificates.Pki;
using Org.BouncyCastle.Ocsp;

namespace Naqil.Registry.Apis;

/// <summary>
/// The PKI's public face under <c>/pki/v1</c>, unauthenticated as relying parties need it: the
/// CAs, each CA's certificate and CRL, and each CA's OCSP responder over POST and GET (RFC 6960
/// appendix A.1). An unknown CA name is <c>not-found</c>; every OCSP request, however malformed,
/// gets an OCSP response.
/// </summary>
internal static class PkiApi
{
    public const string CertificateMediaType = "application/pkix-cert";
    public const string CrlMediaType = "application/pkix-crl";

    /// <summary>The largest OCSP request read; one asking about <see cref="OcspResponder.MaxCertificates"/> certificates is well under 2 KiB.</summary>
    public const int MaxOcspRequestBytes = 16 * 1024;

    public static void MapPkiApi(this IEndpointRouteBuilder endpoints)
    {
        var pki = endpoints.MapGroup(PkiUrls.Prefix);
        pki.MapGet("/cas", ListCas);
        pki.MapGet("/ca/{ca}.crt", GetCertificate);
        pki.MapGet("/crl/{ca}.crl", GetCrl);
        pki.MapPost("/ocsp/{ca}", PostOcsp);
        pki.MapGet("/ocsp/{ca}/{**request}", GetOcsp);
    }

    private static Ok<PkiCasResponse> ListCas(RegistryPki pki) => TypedResults.Ok(new PkiCasResponse(
        [.. pki.Describe().Select(d => new PkiCaResponse(d.Name, d.Subject, d.IssuedBy, d.Thumbprint, d.CertificateUrl, d.CrlUrl, d.OcspUrl, d.Issues))]));

    private static Results<FileContentHttpResult, RegistryProblem> GetCertificate(string ca, RegistryPki pki) =>
        pki.Find(ca) is { } authority ? TypedResults.Bytes(authority.Certificate.RawData, CertificateMediaType) : UnknownCa(ca);

    private static async Task<Results<FileContentHttpResult, RegistryProblem>> GetCrl(
        string ca, HttpContext context, RegistryPki pki, CrlPublisher crls, CancellationToken cancellationToken)
    {
        if (pki.Find(ca) is not { } authority)
        {
            return UnknownCa(ca);
        }

        PublishedCrl crl;
        try
        {
            crl = await crls.GetCurrentAsync(authority, cancellationToken);
        }
        catch (Naqil.Keys.SigningUnavailableException e)
        {
            return RegistryProblem.SigningUnavailable(e);
        }

        // Revalidated on every use: a revocation re-signs the CRL before its nextUpdate.
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Bytes(crl.Der, CrlMediaType, lastModified: crl.ThisUpdate);
    }

    private static async Task<Results<FileContentHttpResult, RegistryProblem, ProblemHttpResult>> PostOcsp(
        string ca, HttpContext context, RegistryPki pki, OcspResponder responder)
    {
        if (pki.Find(ca) is not { } authority)
        {
            return UnknownCa(ca);
        }

        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals(OcspResponder.RequestMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: $"Send the OCSPRequest as {OcspResponder.RequestMediaType}.");
        }

        var body = await ReadBoundedAsync(request, context.RequestAborted);
        var response = body is null
            ? OcspResponder.Unsuccessful(OcspRespStatus.MalformedRequest)
            : await responder.RespondAsync(authority, body, context.RequestAborted);
        return OcspResult(context, response);
    }

    private static async Task<Results<FileContentHttpResult, RegistryProblem>> GetOcsp(
        string ca, string request, HttpContext context, RegistryPki pki, OcspResponder responder)
    {
        if (pki.Find(ca) is not { } authority)
        {
            return UnknownCa(ca);
        }

        // RFC 6960 A.1: the URL-encoded base64 of the DER request. The path arrives decoded but for
        // "%2F", which is decoded here; a request too long or not base64 is malformed.
        var text = Uri.UnescapeDataString(request);
        var buffer = new byte[MaxOcspRequestBytes];
        var response = text.Length <= MaxOcspRequestBytes * 4 / 3 + 4 && Convert.TryFromBase64String(text, buffer, out var length)
            ? await responder.RespondAsync(authority, buffer[..length], context.RequestAborted)
            : OcspResponder.Unsuccessful(OcspRespStatus.MalformedRequest);
        return OcspResult(context, response);
    }

    private static FileContentHttpResult OcspResult(HttpContext context, byte[] response)
    {
        // Answers are made from the store as it is now and carry no nextUpdate: nothing to cache.
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Bytes(response, OcspResponder.ResponseMediaType);
    }

    private static RegistryProblem UnknownCa(string ca) => RegistryProblem.NotFound(
        $"the registry has no CA named '{ca}'; its CAs are {RegistryPki.RootName}, {RegistryPki.GatewayName} and {RegistryPki.SealName} (GET {PkiUrls.Prefix}/cas)");

    /// <summary>The body, or null when it is longer than <see cref="MaxOcspRequestBytes"/>, whatever the headers say.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxOcspRequestBytes)
        {
            return null;
        }

        var buffer = new byte[MaxOcspRequestBytes + 1];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return length > MaxOcspRequestBytes ? null : buffer[..length];
    }
}

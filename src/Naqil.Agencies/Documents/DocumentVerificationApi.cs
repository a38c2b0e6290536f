using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Naqil.Agencies.Documents.Storage;
using Naqil.Documents.Validation;

namespace Naqil.Agencies.Documents;

/// <summary>
/// Verification anyone can run (docs/documents.md): <c>GET /documents/{id}?h=…</c>, where a
/// document's QR code leads, answers from the issued-documents record whether that document was
/// issued and whether <c>h</c> is its hash; <c>POST /documents/verify</c> validates an uploaded
/// sealed PDF (or a file and its detached <c>.p7s</c>) offline against the configured roots and
/// answers the validation report. Neither reveals personal data: the record holds none, and the
/// report says only what the uploaded file holds.
/// </summary>
public static class DocumentVerificationApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapDocumentVerification(this IEndpointRouteBuilder endpoints, DocumentVerificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxUploadBytes <= 0)
        {
            throw new InvalidOperationException("DocumentVerificationOptions.MaxUploadBytes must be positive");
        }

        var time = endpoints.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        var validator = new DocumentValidator(new ValidationOptions { TrustAnchors = options.TrustAnchors, MaxInputBytes = options.MaxUploadBytes }, time);
        endpoints.MapGet("/documents/{id}", (string id, HttpRequest request, IIssuedDocumentStore store, CancellationToken cancellationToken) =>
            LookUpAsync(id, request, store, cancellationToken));
        endpoints.MapPost("/documents/verify", (HttpContext context, CancellationToken cancellationToken) =>
            VerifyUploadAsync(context, options, validator, cancellationToken));
        return endpoints;
    }

    private static async Task<IResult> LookUpAsync(string id, HttpRequest request, IIssuedDocumentStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(id, "D", out var documentId))
        {
            return Problem(400, "Malformed document id", "the document id is a UUID such as 3f2c6a52-8d0e-4c1b-9a57-2f1e0c9d7b41, as printed on the document");
        }

        string? hash = request.Query["h"];
        if (!DocumentReference.IsHash(hash))
        {
            return Problem(400, "Malformed hash", "h is the hash from the document's QR code: 43 characters of base64url (a SHA-256, no padding)");
        }

        var record = await store.FindAsync(documentId, cancellationToken);
        var answer = Lookup.Of(documentId, hash!, record);
        var status = record is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
        return WantsHtml(request)
            ? Results.Content(VerificationPage.Render(answer), "text/html; charset=utf-8", Encoding.UTF8, status)
            : Results.Json(answer, Json, statusCode: status);
    }

    private static async Task<IResult> VerifyUploadAsync(HttpContext context, DocumentVerificationOptions options, DocumentValidator validator, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > options.MaxUploadBytes)
        {
            return TooLarge(context, options);
        }

        // The server's own limit must not refuse first (Kestrel's default is 30 MB): ours is read below, capped.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxUploadBytes + 1;
        }

        var body = await ReadCappedAsync(request.Body, options.MaxUploadBytes, cancellationToken);
        if (body is null)
        {
            return TooLarge(context, options);
        }

        var upload = await UploadOf(request.ContentType, body, cancellationToken);
        if (upload.Problem is { } problem)
        {
            return problem;
        }

        var report = upload.Signature is { } signature
            ? validator.ValidateDetached(upload.File, signature, upload.Name)
            : validator.ValidatePdf(upload.File, upload.Name);
        var json = JsonNode.Parse(ValidationReportWriter.ToJson(report))!.AsObject();
        if (upload.Signature is null && report.Refusal is null && DocumentReference.TryRead(upload.File) is { } reference
            && context.RequestServices.GetService<IIssuedDocumentStore>() is { } store)
        {
            json["issuedDocument"] = JsonSerializer.SerializeToNode(Lookup.Of(reference.Id, reference.Hash, await store.FindAsync(reference.Id, cancellationToken)), Json);
        }

        // A refusal (not a PDF, unreadable, no signature) is a 422 with the report: nothing was validated.
        return Results.Text(json.ToJsonString(), "application/json", Encoding.UTF8, report.Refusal is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>The body, or null once it holds more than <paramref name="max"/> bytes (reading stops there).</summary>
    private static async Task<byte[]?> ReadCappedAsync(Stream body, long max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed record Upload(byte[] File, byte[]? Signature, string Name, IResult? Problem = null)
    {
        public static Upload Refused(IResult problem) => new([], null, "", problem);
    }

    private static async Task<Upload> UploadOf(string? contentType, byte[] body, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || mediaType.MediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase)
            || mediaType.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return new Upload(body, null, "upload.pdf");
        }

        if (!mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Upload.Refused(Problem(415, "Unsupported upload", "send the PDF as the body (Content-Type: application/pdf), or multipart/form-data with a part 'file' and, for a detached signature, a part 'signature'"));
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return Upload.Refused(Problem(400, "Malformed upload", "the multipart/form-data body has no boundary"));
        }

        byte[]? file = null, signature = null;
        var name = "upload.pdf";
        try
        {
            var reader = new MultipartReader(boundary, new MemoryStream(body));
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                using var part = new MemoryStream();
                await section.Body.CopyToAsync(part, cancellationToken);
                switch (HeaderUtilities.RemoveQuotes(disposition.Name).Value)
                {
                    case "file":
                        file = part.ToArray();
                        name = SafeName(HeaderUtilities.RemoveQuotes(disposition.FileName).Value) ?? name;
                        break;
                    case "signature":
                        signature = part.ToArray();
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return Upload.Refused(Problem(400, "Malformed upload", "the multipart/form-data body could not be read"));
        }

        return file is null
            ? Upload.Refused(Problem(400, "Malformed upload", "the multipart/form-data body has no part named 'file'"))
            : new Upload(file, signature, name);
    }

    /// <summary>The uploaded file's own name, as the report names it: no path, at most 100 characters.</summary>
    private static string? SafeName(string? fileName)
    {
        var name = Path.GetFileName(fileName?.Replace('\\', '/'));
        return string.IsNullOrWhiteSpace(name) ? null : name.Length <= 100 ? name : name[..100];
    }

    private static IResult TooLarge(HttpContext context, DocumentVerificationOptions options)
    {
        // The rest of the body is not read: close the connection rather than drain it.
        context.Response.Headers.Connection = "close";
        return Problem(413, "Upload too large", $"a document to verify may be at most {options.MaxUploadBytes} bytes");
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail, statusCode: status, title: title);

    private static bool WantsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}

/// <summary>The answer to a QR code: whether the document was issued and its hash matches, and the record's public part.</summary>
internal sealed record Lookup(Guid Id, string Result, string? Type, string? Issuer, DateTimeOffset? Issued, SealSummary? Seal)
{
    public const string Match = "match";
    public const string Mismatch = "mismatch";
    public const string UnknownDocument = "unknown-document";

    public static Lookup Of(Guid id, string hash, IssuedDocument? record) => record is null
        ? new Lookup(id, UnknownDocument, null, null, null, null)
        : new Lookup(id, SameHash(hash, record.PayloadHash) ? Match : Mismatch, record.Type, record.Issuer, record.Issued, new SealSummary(record.SealSerial, record.SealIssuer));

    private static bool SameHash(string given, string recorded) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), Encoding.ASCII.GetBytes(recorded));
}

internal sealed record SealSummary(string SerialNumber, string Issuer);

using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Documents.Sealing;

/// <summary>An RFC 3161 time-stamping authority.</summary>
public interface ITimestampClient
{
    /// <summary>
    /// The certificates above the TSA's own (its issuing CA up to the root), which a token does not
    /// carry: they go into the DSS so the timestamp can be validated later.
    /// </summary>
    IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>Sends a DER TimeStampReq and returns the DER TimeStampResp.</summary>
    Task<byte[]> RequestAsync(byte[] timeStampRequest, CancellationToken cancellationToken);
}

/// <summary>
/// A TSA over HTTP (RFC 3161 §3.4): POST <c>application/timestamp-query</c>, answered with
/// <c>application/timestamp-reply</c>; the registry's is <c>POST {registry}/tsa</c>.
/// </summary>
public sealed class HttpTimestampClient(HttpClient http, Uri url, IReadOnlyList<X509Certificate2> chain) : ITimestampClient
{
    private const int MaxResponseBytes = 64 * 1024;

    public IReadOnlyList<X509Certificate2> Chain => chain;

    public async Task<byte[]> RequestAsync(byte[] timeStampRequest, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(timeStampRequest);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using var response = await http.PostAsync(url, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The TSA at {url} answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/timestamp-reply")
        {
            throw new HttpRequestException($"The TSA at {url} did not answer with application/timestamp-reply.");
        }

        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new HttpRequestException($"The TSA's answer is over {MaxResponseBytes} bytes.");
        }

        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }
}

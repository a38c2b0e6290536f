using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;
using Naqil.MessageLog;
using Naqil.Trust;

namespace Naqil.Gateway.MessageLog;

/// <summary>
/// A TSA the gateway may use: where it answers, the certificate its tokens must verify with, and
/// the CA certificates above that one up to a self-signed root (DER, nearest first; empty when
/// the certificate is self-signed or no chain was found), kept with the log so an archive carries
/// the whole chain.
/// </summary>
internal sealed record TsaEndpoint(Uri Url, X509Certificate2 Certificate, string Thumbprint, IReadOnlyList<byte[]> Issuers);

/// <summary>
/// Gets RFC 3161 tokens for signed tree heads over HTTP (RFC 3161 §3.4): the imprint is SHA-256
/// of the signed head's 130-byte encoding. The TSA is the one named by
/// <c>Gateway:MessageLog:TsaUrl</c> when set, else those of the trust configuration, tried in
/// order. Every token is checked against the TSA certificate before it is kept. The TSA's chain
/// comes from the trust configuration's <c>trustedCas</c>, or from the certificates that follow
/// the TSA's in <c>TsaCertificateFile</c>.
/// </summary>
internal sealed class TreeHeadTimestamper : IDisposable
{
    /// <summary>
    /// The largest TSA reply read. A TimeStampResp is a status, a CMS signature and at most a few
    /// certificates: a few KiB. Whoever answers the TSA URL must not be able to fill the gateway's
    /// memory, so a longer reply is refused, unread past this bound, as a timestamp failure.
    /// </summary>
    public const int MaxReplyBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly TrustState _trust;
    private readonly TsaEndpoint? _override;
    private (long Serial, IReadOnlyList<TsaEndpoint> Endpoints) _fromTrust = (-1, []);

    public TreeHeadTimestamper(MessageLogOptions options, TrustState trust, TimeSpan connectTimeout)
    {
        _trust = trust;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = connectTimeout }) { Timeout = TimeSpan.FromSeconds(30) };
        if (options.TsaUrl.Length > 0)
        {
            var certificate = X509CertificateLoader.LoadCertificate(PemFiles.ReadCertificateDer(options.TsaCertificateFile));
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(options.TsaCertificateFile);
            var issuers = IssuersOf(certificate, bundle.Select(c => c.RawData));
            foreach (var bundled in bundle)
            {
                bundled.Dispose();
            }

            _override = new TsaEndpoint(new Uri(options.TsaUrl), certificate, SignedTrustConfiguration.Thumbprint(certificate), issuers);
        }
    }

    /// <summary>The TSAs to try, in order; empty when none is configured.</summary>
    public IReadOnlyList<TsaEndpoint> Endpoints()
    {
        if (_override is not null)
        {
            return [_override];
        }

        var current = _trust.Current;
        if (current is null)
        {
            return [];
        }

        var cached = _fromTrust;
        if (cached.Serial == current.Serial)
        {
            return cached.Endpoints;
        }

        var endpoints = new List<TsaEndpoint>();
        var trustedCas = current.Configuration.TrustedCas.Select(TryFromBase64).OfType<byte[]>().ToList();
        foreach (var tsa in current.Configuration.Tsas)
        {
            try
            {
                var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(tsa.Certificate));
                if (Uri.TryCreate(tsa.Url, UriKind.Absolute, out var url))
                {
                    endpoints.Add(new TsaEndpoint(url, certificate, SignedTrustConfiguration.Thumbprint(certificate), IssuersOf(certificate, trustedCas)));
                }
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                // A TSA whose certificate does not parse cannot vouch for anything; skip it.
            }
        }

        _fromTrust = (current.Serial, endpoints);
        return endpoints;
    }

    /// <summary>A verified token for <paramref name="signedHead"/> from <paramref name="tsa"/>, or the reason there is none.</summary>
    public async Task<(StoredTimestamp? Timestamp, string? Error)> StampAsync(TsaEndpoint tsa, SignedTreeHead signedHead, CancellationToken cancellationToken)
    {
        var digest = SHA256.HashData(signedHead.Encode());
        var request = TimestampTokens.CreateRequest(digest, out var nonce);
        byte[] response;
        try
        {
            using var content = new ByteArrayContent(request);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
            using var message = new HttpRequestMessage(HttpMethod.Post, tsa.Url) { Content = content };

            // Headers only: the body is read below, and no further than the bound.
            using var answer = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!answer.IsSuccessStatusCode)
            {
                return (null, $"the TSA answered HTTP {(int)answer.StatusCode}");
            }

            if (await ReadBoundedAsync(answer.Content, cancellationToken) is not { } body)
            {
                return (null, $"the TSA's reply is larger than {MaxReplyBytes} bytes");
            }

            response = body;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (null, $"the TSA could not be reached ({e.GetType().Name})");
        }

        if (!TimestampTokens.TryReadResponse(response, digest, nonce, out var token, out var error))
        {
            return (null, error);
        }

        if (!TimestampTokens.TryVerifyToken(token, digest, tsa.Certificate, out var genTime, out error))
        {
            return (null, error);
        }

        return (new StoredTimestamp(signedHead.Head.TreeSize, token, tsa.Thumbprint, genTime), null);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The reply's bytes, or null when it declares or turns out to be longer than <see cref="MaxReplyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxReplyBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxReplyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length > MaxReplyBytes ? null : buffer[..length];
    }

    /// <summary>The CA certificates above <paramref name="tsa"/> found among <paramref name="candidates"/>, nearest first; empty when there is no chain to a self-signed root.</summary>
    private static IReadOnlyList<byte[]> IssuersOf(X509Certificate2 tsa, IEnumerable<byte[]> candidates)
    {
        var loaded = new List<X509Certificate2>();
        try
        {
            foreach (var der in candidates)
            {
                try
                {
                    loaded.Add(X509CertificateLoader.LoadCertificate(der));
                }
                catch (CryptographicException)
                {
                    // A CA that does not parse issues nothing.
                }
            }

            return CertificateChains.TryBuild(tsa, loaded) is { } chain ? [.. chain.Skip(1)] : [];
        }
        finally
        {
            foreach (var certificate in loaded)
            {
                certificate.Dispose();
            }
        }
    }

    private static byte[]? TryFromBase64(string value)
    {
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;
using Naqil.MessageLog;
using Naqil.Trust;

namespace Naqil.Gateway.MessageLog;

/// <summary>A TSA the gateway may use: where it answers and the certificate its tokens must verify with.</summary>
internal sealed record TsaEndpoint(Uri Url, X509Certificate2 Certificate, string Thumbprint);

/// <summary>
/// Gets RFC 3161 tokens for signed tree heads over HTTP (RFC 3161 §3.4): the imprint is SHA-256
/// of the signed head's 130-byte encoding. The TSA is the one named by
/// <c>Gateway:MessageLog:TsaUrl</c> when set, else those of the trust configuration, tried in
/// order. Every token is checked against the TSA certificate before it is kept.
/// </summary>
internal sealed class TreeHeadTimestamper : IDisposable
{
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
            _override = new TsaEndpoint(new Uri(options.TsaUrl), certificate, SignedTrustConfiguration.Thumbprint(certificate));
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
        foreach (var tsa in current.Configuration.Tsas)
        {
            try
            {
                var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(tsa.Certificate));
                if (Uri.TryCreate(tsa.Url, UriKind.Absolute, out var url))
                {
                    endpoints.Add(new TsaEndpoint(url, certificate, SignedTrustConfiguration.Thumbprint(certificate)));
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
            using var answer = await _http.PostAsync(tsa.Url, content, cancellationToken);
            if (!answer.IsSuccessStatusCode)
            {
                return (null, $"the TSA answered HTTP {(int)answer.StatusCode}");
            }

            response = await answer.Content.ReadAsByteArrayAsync(cancellationToken);
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
}

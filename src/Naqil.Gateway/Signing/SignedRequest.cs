using Naqil.Gateway.Messages;
using Naqil.Gateway.Trust;
using Naqil.Signatures;

namespace Naqil.Gateway.Signing;

/// <summary>A request to a provider gateway, signed, with the view its signature was made over.</summary>
internal sealed record SignedRequest(HttpRequestMessage Message, HttpMessageComponents View, SignedFields Signature);

/// <summary>Builds the signed request a consumer gateway sends to a provider gateway (docs/protocol.md).</summary>
internal sealed class SignedRequestFactory(ExchangeSignatures signatures)
{
    private static readonly UriCreationOptions AsSent = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <param name="provider">The provider gateway.</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="target">Service, path and query.</param>
    /// <param name="headers">The signed header fields (lower-case names) but content-digest and the signature, which are added here.</param>
    /// <param name="body">The body; empty for none.</param>
    /// <param name="hasContent">Whether to send a body at all (a POST with an empty body still sends Content-Length: 0).</param>
    public SignedRequest Create(PeerGateway provider, HttpMethod method, ExchangeTarget target, Dictionary<string, string> headers, byte[] body, bool hasContent) =>
        // The target goes out exactly as it came in: Uri would re-escape '|', '{', '}' and more, and
        // the signature would then cover a path that neither gateway's log shows. One form is sent,
        // signed and logged.
        Create(provider, method, string.Concat(ExchangeTarget.Prefix, target.ServiceText, target.Path), target.Query, headers, body, hasContent, NaqilHeaders.RequestTag);

    /// <summary>A signed request to <paramref name="path"/> (as sent) with <paramref name="query"/> (empty or starting with '?'), signed with <paramref name="tag"/>.</summary>
    public SignedRequest Create(PeerGateway provider, HttpMethod method, string path, string query, Dictionary<string, string> headers, byte[] body, bool hasContent, string tag)
    {
        headers["content-digest"] = ContentDigest.Compute(body);
        var uri = new Uri(provider.Authority + path + query, AsSent);
        var view = MessageViews.FromOutgoing(method, uri, path, query, headers);
        var signed = signatures.SignRequest(view, headers, tag);

        // The view reads from the same dictionary, so once the signature is in, "signature";req resolves.
        headers["signature-input"] = signed.SignatureInput;
        headers["signature"] = signed.Signature;

        var message = new HttpRequestMessage(method, uri);
        if (hasContent || body.Length > 0)
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var (name, value) in headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                (message.Content ??= new ByteArrayContent([])).Headers.TryAddWithoutValidation(name, value);
            }
        }

        return new SignedRequest(message, view, signed);
    }
}

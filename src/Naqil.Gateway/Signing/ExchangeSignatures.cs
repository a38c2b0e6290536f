using Naqil.Gateway.Problems;
using Naqil.Gateway.Trust;
using Naqil.Signatures;

namespace Naqil.Gateway.Signing;

/// <summary>
/// What a Naqil signature must cover and carry (docs/protocol.md, "Signatures"), in one place for
/// both faces: building the parameters to sign with and checking the ones received.
/// </summary>
internal sealed class ExchangeSignatures(GatewayKeys keys, TimeProvider time)
{
    private const long MinUnixSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    private static readonly ComponentId[] RequestBase =
    [
        new("@method"), new("@path"), new("@query"), new("content-digest"), new("naqil-id"), new("naqil-client"), new("naqil-service"),
    ];

    private static readonly string[] RequestOptional = ["content-type", "naqil-user", "naqil-purpose", "naqil-subject", "idempotency-key"];

    private static readonly ComponentId[] ResponseBase = [new("@status"), new("content-digest"), new("naqil-id"), new("signature", FromRequest: true)];

    private static readonly string[] ResponseOptional = ["content-type", "naqil-error"];

    /// <summary>
    /// Signs a request whose signed header fields are all in <paramref name="headers"/> (lower-case
    /// names), with <paramref name="tag"/>: <c>naqil-request</c> for an exchange, <c>naqil-event</c>
    /// for a delivery of events; the components are the same either way.
    /// </summary>
    public SignedFields SignRequest(HttpMessageComponents request, IReadOnlyDictionary<string, string> headers, string tag = NaqilHeaders.RequestTag) =>
        HttpMessageSignatures.Sign(request, null, Parameters(RequestBase, RequestOptional, headers, tag), NaqilHeaders.Label, keys.SigningKey);

    /// <summary>Signs a response; binds it to <paramref name="request"/>'s signature when the request carried one.</summary>
    public SignedFields SignResponse(HttpMessageComponents response, IReadOnlyDictionary<string, string> headers, HttpMessageComponents? request)
    {
        var bound = request?.GetHeader("signature") is not null;
        var components = bound ? ResponseBase : ResponseBase[..^1];
        return HttpMessageSignatures.Sign(response, bound ? request : null, Parameters(components, ResponseOptional, headers, NaqilHeaders.ResponseTag), NaqilHeaders.Label, keys.SigningKey);
    }

    /// <summary>
    /// Checks a received request signature: label, algorithm, tag, the signer's key, freshness,
    /// coverage of every required and present optional component, then the signature itself.
    /// </summary>
    public GatewayProblem? VerifyRequest(HttpMessageComponents request, string? signatureInput, string? signature, TrustSnapshot trust, PeerGateway tlsPeer, TimeSpan maxSkew, out ParsedSignature? parsed) =>
        VerifyRequest(request, signatureInput, signature, trust, tlsPeer, maxSkew, NaqilHeaders.RequestTag, out parsed);

    /// <summary>As <see cref="VerifyRequest(HttpMessageComponents, string?, string?, TrustSnapshot, PeerGateway, TimeSpan, out ParsedSignature?)"/>, for a request signed with <paramref name="tag"/>.</summary>
    public GatewayProblem? VerifyRequest(HttpMessageComponents request, string? signatureInput, string? signature, TrustSnapshot trust, PeerGateway tlsPeer, TimeSpan maxSkew, string tag, out ParsedSignature? parsed)
    {
        if (!HttpMessageSignatures.TryParse(signatureInput, signature, NaqilHeaders.Label, out var candidate, out _, out var detail))
        {
            parsed = null;
            return new GatewayProblem(GatewayError.BadSignature, $"the request's '{NaqilHeaders.Label}' signature could not be read: {detail}");
        }

        parsed = candidate;
        if (!trust.TryGetGatewayBySigningKey(candidate.Parameters.KeyId ?? "", out var signer) || signer != tlsPeer)
        {
            return new GatewayProblem(GatewayError.BadSignature, "the request is signed with a key that is not the signing key of the gateway that connected");
        }

        return CheckParameters(candidate, tag, RequestBase, RequestOptional, request, maxSkew)
            ?? CheckSignature(request, null, candidate, signer, "request");
    }

    /// <summary>Checks a provider gateway's response signature against the request it answers.</summary>
    public GatewayProblem? VerifyResponse(HttpMessageComponents response, HttpMessageComponents request, string? signatureInput, string? signature, PeerGateway provider, TimeSpan maxSkew)
    {
        if (!HttpMessageSignatures.TryParse(signatureInput, signature, NaqilHeaders.Label, out var parsed, out _, out var detail))
        {
            return new GatewayProblem(GatewayError.BadResponseSignature, $"the provider's response signature could not be read: {detail}");
        }

        if (parsed.Parameters.KeyId != provider.SigningThumbprint)
        {
            return new GatewayProblem(GatewayError.BadResponseSignature, "the response is not signed with the provider gateway's signing key");
        }

        var problem = CheckParameters(parsed, NaqilHeaders.ResponseTag, ResponseBase, ResponseOptional, response, maxSkew);
        if (problem is { } p)
        {
            return p with { Error = GatewayError.BadResponseSignature };
        }

        return CheckSignature(response, request, parsed, provider, "response") is { } bad ? bad with { Error = GatewayError.BadResponseSignature } : null;
    }

    private SignatureParameters Parameters(ComponentId[] required, string[] optional, IReadOnlyDictionary<string, string> headers, string tag)
    {
        var components = new List<ComponentId>(required.Length + optional.Length);
        components.AddRange(required);
        foreach (var name in optional)
        {
            if (headers.ContainsKey(name))
            {
                components.Add(new ComponentId(name));
            }
        }

        return new SignatureParameters
        {
            Components = components,
            Created = time.GetUtcNow().ToUnixTimeSeconds(),
            Algorithm = HttpMessageSignatures.EcdsaP256Sha256,
            KeyId = keys.SigningKeyId,
            Tag = tag,
        };
    }

    private GatewayProblem? CheckParameters(ParsedSignature parsed, string tag, ComponentId[] required, string[] optional, HttpMessageComponents message, TimeSpan maxSkew)
    {
        var p = parsed.Parameters;
        if (p.Algorithm != HttpMessageSignatures.EcdsaP256Sha256)
        {
            return new GatewayProblem(GatewayError.BadSignature, $"the signature's alg is '{p.Algorithm}'; Naqil requires alg=\"{HttpMessageSignatures.EcdsaP256Sha256}\"");
        }

        if (p.Tag != tag)
        {
            return new GatewayProblem(GatewayError.BadSignature, $"the signature's tag is '{p.Tag}'; expected \"{tag}\"");
        }

        if (p.Created is not { } created)
        {
            return new GatewayProblem(GatewayError.BadSignature, "the signature has no 'created' parameter");
        }

        if (!IsTime(created) || p.Expires is { } outOfRange && !IsTime(outOfRange))
        {
            return new GatewayProblem(GatewayError.BadSignature, "the signature's 'created' or 'expires' is not a time between the years 1 and 9999");
        }

        var now = time.GetUtcNow();
        var age = now - DateTimeOffset.FromUnixTimeSeconds(created);
        if (age > maxSkew || -age > maxSkew || (p.Expires is { } expires && DateTimeOffset.FromUnixTimeSeconds(expires) < now))
        {
            return new GatewayProblem(GatewayError.StaleSignature, $"the signature was created {age.TotalSeconds:F0} s from this gateway's clock; at most {maxSkew.TotalSeconds:F0} s is allowed — check both clocks (NTP)");
        }

        foreach (var component in required)
        {
            if (!p.Components.Contains(component))
            {
                return new GatewayProblem(GatewayError.BadSignature, $"the signature does not cover {component.Serialize()}, which Naqil requires");
            }
        }

        foreach (var name in optional)
        {
            if (message.GetHeader(name) is not null && !p.Components.Contains(new ComponentId(name)))
            {
                return new GatewayProblem(GatewayError.BadSignature, $"the header '{name}' is present but not covered by the signature");
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="unixSeconds"/> is within <see cref="DateTimeOffset"/>'s range (which converting it checks by throwing).</summary>
    private static bool IsTime(long unixSeconds) => unixSeconds is >= MinUnixSeconds and <= MaxUnixSeconds;

    private static GatewayProblem? CheckSignature(HttpMessageComponents message, HttpMessageComponents? request, ParsedSignature parsed, PeerGateway signer, string what)
    {
        if (message.GetHeader("content-digest") is null)
        {
            return new GatewayProblem(GatewayError.BadSignature, $"the {what} has no Content-Digest");
        }

        return HttpMessageSignatures.Verify(message, request, parsed, signer.SigningKey, out var failure, out var detail)
            ? null
            : new GatewayProblem(GatewayError.BadSignature, $"the {what} signature does not verify ({failure}): {detail}");
    }
}

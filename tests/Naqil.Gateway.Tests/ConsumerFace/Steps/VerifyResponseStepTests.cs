using System.Text;
using Microsoft.Extensions.Options;
using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Tests.Pipeline;
using Naqil.Signatures;

namespace Naqil.Gateway.Tests.ConsumerFace.Steps;

/// <summary>Real responses signed by real keys, as a provider gateway would send them, checked against the request the consumer signed.</summary>
public sealed class VerifyResponseStepTests : IDisposable
{
    private const string OtherId = "018f3c5e-0000-7000-8000-000000000001";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"name\":\"الحلبي\"}");

    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("valid", null, null)]
    [InlineData("valid refusal", null, null)]
    [InlineData("signed by a key not the provider's", nameof(GatewayError.BadResponseSignature), "the response is not signed with the provider gateway's signing key")]
    [InlineData("signed by the member's other gateway", nameof(GatewayError.BadResponseSignature), "the response is not signed with the provider gateway's signing key")]
    [InlineData("body not matching digest", nameof(GatewayError.BadResponseSignature), "the provider's response body or Naqil-Id does not match")]
    [InlineData("signed Naqil-Id of another exchange", nameof(GatewayError.BadResponseSignature), "the provider's response body or Naqil-Id does not match")]
    [InlineData("Naqil-Id altered after signing", nameof(GatewayError.BadResponseSignature), "the response signature does not verify")]
    [InlineData("status altered after signing", nameof(GatewayError.BadResponseSignature), "the response signature does not verify")]
    [InlineData("bound to another request", nameof(GatewayError.BadResponseSignature), "the response signature does not verify")]
    [InlineData("Content-Digest removed after signing", nameof(GatewayError.BadResponseSignature), "the response has no Content-Digest")]
    [InlineData("stale", nameof(GatewayError.BadResponseSignature), "the signature was created 31 s")]
    [InlineData("unparseable Signature-Input", nameof(GatewayError.BadResponseSignature), "the provider's response signature could not be read")]
    [InlineData("no signature", nameof(GatewayError.BadResponseSignature), "the provider's response signature could not be read")]
    public async Task VerifyResponse_ProvidersAnswer_RelayedOnlyWhenSignedBoundAndMatching(string answer, string? expected, string? detail)
    {
        var exchange = _fixture.ResolvedConsumerExchange();
        Assert.Null(await new CoveredHeadersStep().InvokeAsync(exchange));
        exchange.Peer = _fixture.PeerOf(_fixture.Provider);
        Assert.Null(await new SignRequestStep(new SignedRequestFactory(_fixture.ConsumerSignatures)).InvokeAsync(exchange));
        var other = new SignedRequestFactory(_fixture.ConsumerSignatures).Create(exchange.Peer, HttpMethod.Get, exchange.Target!,
            new Dictionary<string, string>(exchange.SignedHeaders, StringComparer.Ordinal) { ["naqil-user"] = "SY-NID:01010000001" }, [], hasContent: false);
        using var otherMessage = other.Message;
        var signer = answer switch
        {
            "signed by a key not the provider's" => _fixture.PartnerSignatures,
            "signed by the member's other gateway" => _fixture.Provider2Signatures,
            _ => _fixture.ProviderSignatures,
        };
        var status = answer == "valid refusal" ? 403 : 200;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "application/json",
            ["naqil-id"] = answer == "signed Naqil-Id of another exchange" ? OtherId : StepFixture.NaqilId,
            ["content-digest"] = ContentDigest.Compute(Body),
        };
        if (answer == "valid refusal")
        {
            headers["naqil-error"] = "access-denied";
        }

        var fields = signer.SignResponse(MessageViews.FromOutgoingResponse(status, headers), headers, answer == "bound to another request" ? other.View : exchange.Request!.View);
        headers["signature-input"] = answer == "unparseable Signature-Input" ? "naqil=(\"@status\";" : fields.SignatureInput;
        headers["signature"] = fields.Signature;
        if (answer == "no signature")
        {
            headers.Remove("signature-input");
            headers.Remove("signature");
        }

        if (answer == "Content-Digest removed after signing")
        {
            headers.Remove("content-digest");
        }

        if (answer == "Naqil-Id altered after signing")
        {
            headers["naqil-id"] = OtherId;
            exchange.NaqilId = OtherId;
        }

        if (answer == "stale")
        {
            _fixture.Time.Advance(TimeSpan.FromSeconds(31));
        }

        var response = Response(answer == "status altered after signing" ? 500 : status, headers);
        exchange.Response = response;
        exchange.ResponseBody = answer == "body not matching digest" ? Encoding.UTF8.GetBytes("{\"name\":\"الشامي\"}") : Body;

        var problem = await new VerifyResponseStep(_fixture.ConsumerSignatures, Options.Create(_fixture.Options())).InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            var relayed = exchange.Answer!;
            Assert.Equal(status, relayed.Status);
            Assert.Same(exchange.ResponseBody, relayed.Body);
            headers.Remove("x-unsigned");
            Assert.Equal(headers.OrderBy(h => h.Key, StringComparer.Ordinal), relayed.Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
        }
        else
        {
            Assert.StartsWith(detail!, StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
            Assert.Null(exchange.Answer);
        }

        exchange.Release();
    }

    /// <summary>The response as HttpClient hands it over, with an unsigned header the consumer does not relay.</summary>
    private static HttpResponseMessage Response(int status, Dictionary<string, string> headers)
    {
        var response = new HttpResponseMessage((System.Net.HttpStatusCode)status) { Content = new ByteArrayContent(Body) };
        response.Headers.TryAddWithoutValidation("x-unsigned", "dropped");
        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }
}

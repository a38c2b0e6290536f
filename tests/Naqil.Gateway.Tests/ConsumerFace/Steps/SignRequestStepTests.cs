using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Tests.Pipeline;
using Naqil.Signatures;

namespace Naqil.Gateway.Tests.ConsumerFace.Steps;

/// <summary>Signing never refuses; what it records must be what the provider verifies.</summary>
public sealed class SignRequestStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("POST", "{\"familyName\":\"x\"}", true, "application/json", true)]
    [InlineData("POST", "", true, null, true)]
    [InlineData("GET", "", false, null, false)]
    [InlineData("get", "", false, null, false)]
    public async Task SignRequest_ForTheChosenProvider_RecordsASignedRequestTheProviderVerifies(string method, string body, bool declaredLength, string? contentType, bool sendsContent)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        var headers = new List<KeyValuePair<string, string>> { new("Accept", "application/json"), new("Accept-Language", "ar"), new("X-Private", "not passed") };
        if (contentType is not null)
        {
            headers.Add(new("Content-Type", contentType));
        }

        var exchange = _fixture.ResolvedConsumerExchange(path: "/persons/search?q=1", method: method, headers: headers, body: declaredLength ? bytes : null);
        Assert.Null(await new CoveredHeadersStep().InvokeAsync(exchange));
        exchange.Peer = _fixture.PeerOf(_fixture.Provider2);

        var problem = await new SignRequestStep(new SignedRequestFactory(_fixture.ConsumerSignatures)).InvokeAsync(exchange);

        Assert.Null(problem);
        var signed = exchange.Request!;
        var message = signed.Message;
        Assert.Equal(method, message.Method.Method);
        Assert.Equal($"https://127.0.0.1:{_fixture.Provider2.Port}/r1/{StepFixture.Persons}/persons/search?q=1", message.RequestUri!.OriginalString);
        Assert.Equal(ContentDigest.Compute(bytes), exchange.RequestDigest);
        Assert.Equal(exchange.RequestDigest, exchange.SignedHeaders["content-digest"]);
        Assert.Equal(signed.Signature.SignatureInput, exchange.RequestSignatureInput);
        Assert.Equal(signed.Signature.Signature, exchange.RequestSignature);
        Assert.Contains($"keyid=\"{_fixture.ConsumerKeys.SigningKeyId}\"", exchange.RequestSignatureInput, StringComparison.Ordinal);
        Assert.Contains("tag=\"naqil-request\"", exchange.RequestSignatureInput, StringComparison.Ordinal);
        Assert.Equal(contentType is not null, exchange.RequestSignatureInput!.Contains("\"content-type\"", StringComparison.Ordinal));
        Assert.Equal(["application/json"], message.Headers.GetValues("accept"));
        Assert.Equal(["ar"], message.Headers.GetValues("accept-language"));
        Assert.False(message.Headers.Contains("x-private"));
        Assert.Equal(sendsContent, message.Content is not null);
        if (sendsContent)
        {
            Assert.Equal(bytes, await message.Content!.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        }

        // As the provider gateway it was signed for reads it.
        var view = MessageViews.FromOutgoing(message.Method, message.RequestUri!, message.RequestUri!.AbsolutePath, message.RequestUri.Query, exchange.SignedHeaders);
        var verified = _fixture.ProviderSignatures.VerifyRequest(view, exchange.RequestSignatureInput, exchange.RequestSignature, _fixture.Own, _fixture.PeerOf(_fixture.Consumer), TimeSpan.FromSeconds(30), out _);
        Assert.Null(verified);
    }
}

using Microsoft.Extensions.Options;
using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ConsumerFace.Steps;

/// <summary>Against loopback sockets only: the provider gateway's address in the fixture's configuration is 127.0.0.1.</summary>
public sealed class ForwardStepTests : IDisposable
{
    private const int MaxBodyBytes = 1024;

    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("closed port", nameof(GatewayError.ProviderUnreachable), "the provider gateway could not be reached")]
    [InlineData("accepts, never completes TLS", nameof(GatewayError.ProviderUnreachable), "the provider gateway could not be reached: no connection within Gateway:ConnectTimeout")]
    [InlineData("completes TLS, never answers", nameof(GatewayError.ProviderTimeout), "the provider gateway did not answer within")]
    [InlineData("answers more than MaxBodyBytes", nameof(GatewayError.ResponseTooLarge), $"the provider gateway's response is larger than 1024 bytes")]
    [InlineData("answers", null, null)]
    public async Task Forward_ProviderGateway_AnswerReadWholeOrRefused(string provider, string? expected, string? detail)
    {
        var options = _fixture.Options() with { MaxBodyBytes = MaxBodyBytes, ConnectTimeout = TimeSpan.FromMilliseconds(500), ResponseTimeout = TimeSpan.FromMilliseconds(500) };
        var answer = provider switch
        {
            "answers more than MaxBodyBytes" => $"HTTP/1.1 200 OK\r\nContent-Length: {MaxBodyBytes + 1}\r\n\r\n",
            "answers" => "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            _ => null,
        };
        var tls = answer is not null || provider == "completes TLS, never answers" ? _fixture.ProviderKeys.TlsCertificate : null;
        await using var server = provider == "closed port" ? null : LoopbackServer.Start(answer, _fixture.Provider.Port, tls);
        var exchange = _fixture.ResolvedConsumerExchange();
        Assert.Null(await new CoveredHeadersStep().InvokeAsync(exchange));
        exchange.Peer = _fixture.PeerOf(_fixture.Provider);
        Assert.Null(await new SignRequestStep(new SignedRequestFactory(_fixture.ConsumerSignatures)).InvokeAsync(exchange));
        using var providers = new ProviderGatewayClient(_fixture.ConsumerKeys, Options.Create(options), _fixture.Time);

        var problem = await new ForwardStep(providers, Options.Create(options)).InvokeAsync(exchange).AsTask().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(201, (int)exchange.Response!.StatusCode);
            Assert.Equal("{}"u8.ToArray(), exchange.ResponseBody);
            Assert.StartsWith($"GET /r1/{StepFixture.Persons}/persons/1 HTTP/1.1\r\n", await server!.RequestHeadAsync(), StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith(detail!, StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
            Assert.Null(exchange.Response);
            Assert.Null(exchange.ResponseBody);
        }
    }
}

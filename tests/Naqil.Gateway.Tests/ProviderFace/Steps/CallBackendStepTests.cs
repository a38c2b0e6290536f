using Microsoft.Extensions.Options;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace.Steps;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ProviderFace.Steps;

/// <summary>Against loopback sockets only: a closed port, a listener that never answers, and raw HTTP/1.1 answers.</summary>
public sealed class CallBackendStepTests : IDisposable
{
    private const int MaxBodyBytes = 1024;

    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("closed port", nameof(GatewayError.BackendUnreachable), "the service backend could not be reached")]
    [InlineData("accepts, never answers", nameof(GatewayError.BackendTimeout), "the service backend did not answer within")]
    [InlineData("answers more than MaxBodyBytes", nameof(GatewayError.ResponseTooLarge), "the service backend's response is larger than 1024 bytes")]
    [InlineData("answers", null, null)]
    [InlineData("answers a refusal of its own", null, null)]
    public async Task CallBackend_Backend_AnswerTakenAsTheExchangesOrRefused(string backend, string? expected, string? detail)
    {
        var options = Options.Create(_fixture.Options(StepFixture.ProviderMember) with
        {
            MaxBodyBytes = MaxBodyBytes,
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
            ResponseTimeout = TimeSpan.FromMilliseconds(500),
        });
        var answer = backend switch
        {
            "answers more than MaxBodyBytes" => $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {MaxBodyBytes + 1}\r\n\r\n",
            "answers" => "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nX-Backend: internal\r\nContent-Length: 13\r\n\r\n{\"name\":\"x\"}\n",
            "answers a refusal of its own" => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
            _ => null,
        };
        await using var server = backend == "closed port" ? null : LoopbackServer.Start(answer);
        var body = "{\"familyName\":\"x\"}"u8.ToArray();
        var exchange = _fixture.ProviderExchange($"/r1/{StepFixture.Persons}/persons/search?page=2", "POST",
        [
            new(NaqilHeaders.Id, StepFixture.NaqilId), new(NaqilHeaders.Client, StepFixture.Portal), new(NaqilHeaders.Service, StepFixture.Persons),
            new(NaqilHeaders.Purpose, "application-processing"), new("Content-Type", "application/json"), new("Signature", "naqil=:AAAA:"),
        ], body);
        Assert.Null(await new ParseTargetStep().InvokeAsync(exchange));
        exchange.BackendBase = $"http://127.0.0.1:{server?.Port ?? StepFixture.ClosedPort()}/civreg";
        exchange.RequestBody = body;
        using var client = new BackendClient(options);

        var problem = await new CallBackendStep(client, options).InvokeAsync(exchange).AsTask().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        if (expected is null)
        {
            Assert.Null(problem);
            var head = await server!.RequestHeadAsync();
            Assert.StartsWith("POST /civreg/persons/search?page=2 HTTP/1.1\r\n", head, StringComparison.Ordinal);
            Assert.Contains($"\r\nnaqil-id: {StepFixture.NaqilId}\r\n", head, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"\r\nnaqil-client: {StepFixture.Portal}\r\n", head, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\r\nnaqil-purpose: application-processing\r\n", head, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\r\ncontent-type: application/json\r\n", head, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"\r\ncontent-length: {body.Length}\r\n", head, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("signature", head, StringComparison.OrdinalIgnoreCase);
            var answered = exchange.Answer!;
            if (backend == "answers")
            {
                Assert.Equal(200, answered.Status);
                Assert.Equal("{\"name\":\"x\"}\n"u8.ToArray(), answered.Body);
                Assert.Equal(new Dictionary<string, string> { ["naqil-id"] = StepFixture.NaqilId, ["content-type"] = "application/json; charset=utf-8" }, answered.Headers);
            }
            else
            {
                Assert.Equal(404, answered.Status);
                Assert.Empty(answered.Body);
                Assert.Equal(new Dictionary<string, string> { ["naqil-id"] = StepFixture.NaqilId }, answered.Headers);
            }
        }
        else
        {
            Assert.StartsWith(detail!, StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
            Assert.Null(exchange.Answer);
        }
    }
}

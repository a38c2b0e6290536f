using System.Net;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Exchange;

/// <summary>Bad input gets a problem+json with a code, and the gateway keeps serving.</summary>
public sealed class HostileInputTests
{
    [Theory]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/persons/../../admin HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/portal", 400, "bad-path")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/persons/%2e%2e/admin HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/portal", 400, "bad-path")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/persons/a%2Fb HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/portal", 400, "bad-path")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/persons%2F..%2Fx/y HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/portal", 400, "bad-identifier")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/pers%D1%80ons/x HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/portal", 400, "bad-identifier")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/persons/x HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/portal\nNaqil-Id: not-a-uuid", 400, "bad-header")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/persons/x HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/portal\nNaqil-User: a\nNaqil-User: b", 400, "bad-header")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/persons/x HTTP/1.1", 400, "bad-identifier")]
    [InlineData("GET /r1/ HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/portal", 400, "bad-identifier")]
    [InlineData("GET /somewhere-else HTTP/1.1", 404, "not-found")]
    [InlineData("DELETE /admin/v1/acl?service=x HTTP/1.1", 401, "unauthorized")]
    public async Task ConsumerFace_HostileRequest_AnsweredWithProblem_GatewayKeepsServing(string head, int status, string code)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        var (actualStatus, responseHead, body) = await RawHttp.SendAsync(env.Consumer.ConsumerUrl, head);

        Assert.True(status == actualStatus, $"expected {status}, got {actualStatus}: {body}");
        Assert.Matches($"(?im)^naqil-error: {code}\r?$", responseHead);
        Assert.Matches("(?im)^content-type: application/problem\\+json", responseHead);
        Assert.Contains($"\"code\":\"{code}\"", body, StringComparison.Ordinal);
        Assert.Equal(0, env.Backend.Calls);
        using var stillServing = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
        ResponseAssert.Status(HttpStatusCode.OK, stillServing);
    }

    [Fact]
    public async Task ConsumerFace_OverlongPersonalHeader_RefusedWithoutEchoingIt()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var secret = "SY-NID:" + new string('7', 300);
        using var request = env.Request(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1");
        request.Headers.Add("Naqil-Subject", secret);

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await ResponseAssert.ProblemAsync(HttpStatusCode.BadRequest, "bad-header", response);
        Assert.DoesNotContain("7777777", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}

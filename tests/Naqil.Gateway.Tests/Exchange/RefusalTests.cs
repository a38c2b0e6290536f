using System.Net;
using System.Text;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Exchange;

/// <summary>Refusals of the consumer and provider faces, each with its code and, where it matters, the backend untouched.</summary>
public sealed class RefusalTests
{
    [Fact]
    public async Task Acl_ClientNotOnList_AccessDenied_BackendNeverCalled()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", GatewayTestEnvironment.Other);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "access-denied", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task Acl_MethodNotAllowedForClient_AccessDenied()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = env.Request(HttpMethod.Post, GatewayTestEnvironment.Persons, "/persons/search", GatewayTestEnvironment.Keyed);
        request.Headers.Add("Naqil-Api-Key", GatewayTestEnvironment.ApiKey);
        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "access-denied", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task UnknownService_RefusedWithUnknownService()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync("SY/GOV/CIVREG/registry/nothing-here", "/x");

        await ResponseAssert.ProblemAsync(HttpStatusCode.NotFound, "unknown-service", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Theory]
    [InlineData("SY/GOV/CIV.REG!/registry/persons")]
    [InlineData("SYR/GOV/CIVREG/registry/persons")]
    [InlineData("SY/XYZ/CIVREG/registry/persons")]
    [InlineData("SY/GOV/CIVREG/registry/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task MalformedServiceIdentifier_RefusedWithBadIdentifier(string service)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(service, "/persons/1");

        await ResponseAssert.ProblemAsync(HttpStatusCode.BadRequest, "bad-identifier", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Theory]
    [InlineData("SY/GOV/MOCT")]
    [InlineData("SY/GOV/MOCT/por tal")]
    [InlineData("sy/GOV/MOCT/portal")]
    public async Task MalformedClientIdentifier_RefusedWithBadIdentifier(string client)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", client);

        var problem = await ResponseAssert.ProblemAsync(HttpStatusCode.BadRequest, "bad-identifier", response);
        Assert.StartsWith("Naqil-Client", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientOfAnotherMember_RefusedWithUnknownClient()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", "SY/GOV/CIVREG/registry");

        await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "unknown-client", response);
    }

    [Fact]
    public async Task Body_OverLimit_TooLarge_BackendNeverCalled()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = env.Request(HttpMethod.Post, GatewayTestEnvironment.Persons, "/persons/search");
        request.Content = new ByteArrayContent(new byte[GatewayTestEnvironment.MaxBodyBytes + 1]);

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await ResponseAssert.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "too-large", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task Body_ChunkedOverLimit_TooLarge()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = env.Request(HttpMethod.Post, GatewayTestEnvironment.Persons, "/persons/search");
        request.Content = new StreamContent(new MemoryStream(new byte[GatewayTestEnvironment.MaxBodyBytes * 2]));
        request.Headers.TransferEncodingChunked = true;

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await ResponseAssert.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "too-large", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task Body_AtLimit_Carried()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = env.Request(HttpMethod.Post, GatewayTestEnvironment.Persons, "/count");
        request.Content = new ByteArrayContent(new byte[GatewayTestEnvironment.MaxBodyBytes]);

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        ResponseAssert.Status(HttpStatusCode.OK, response);
        Assert.Equal($"{{\"bytes\":{GatewayTestEnvironment.MaxBodyBytes}}}", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Response_OverLimit_ResponseTooLarge()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = env.Request(HttpMethod.Post, GatewayTestEnvironment.Persons, "/persons/search");
        request.Content = new StringContent("\"" + new string('x', (int)GatewayTestEnvironment.MaxBodyBytes - 2) + "\"", Encoding.ASCII, "application/json");

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await ResponseAssert.ProblemAsync(HttpStatusCode.BadGateway, "response-too-large", response);
        Assert.Equal(1, env.Backend.Calls);
    }

    [Fact]
    public async Task Backend_Down_BackendUnreachable()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Down, "/anything");

        // Not provider-unreachable: the provider gateway answered; what it could not reach is behind it.
        await ResponseAssert.ProblemAsync(HttpStatusCode.BadGateway, "backend-unreachable", response);
    }

    [Fact]
    public async Task Backend_TooSlow_BackendTimeout()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/slow");

        await ResponseAssert.ProblemAsync(HttpStatusCode.GatewayTimeout, "backend-timeout", response);
        Assert.Equal(1, env.Backend.Calls);
    }

    [Fact]
    public async Task PersonalData_WithoutPurpose_PurposeRequired_BackendNeverCalled()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Records, "/persons/1");

        await ResponseAssert.ProblemAsync(HttpStatusCode.BadRequest, "purpose-required", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task PersonalData_WithPurpose_Carried()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = env.Request(HttpMethod.Get, GatewayTestEnvironment.Records, "/persons/1");
        request.Headers.Add("Naqil-Purpose", "application-processing");
        request.Headers.Add("Naqil-Subject", "SY-NID:01010000001");

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        ResponseAssert.Status(HttpStatusCode.OK, response);
        var received = Assert.Single(env.Backend.ReceivedHeaders);
        Assert.Equal("application-processing", received["Naqil-Purpose"].ToString());
        Assert.Equal("SY-NID:01010000001", received["Naqil-Subject"].ToString());
    }

    [Fact]
    public async Task ConsumerFace_MissingApiKey_ClientUnauthenticated()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", GatewayTestEnvironment.Keyed);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "client-unauthenticated", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Theory]
    [InlineData(GatewayTestEnvironment.Keyed, "wrong-key")]
    [InlineData(GatewayTestEnvironment.Portal, "a-key-where-none-is-configured")]
    public async Task ConsumerFace_WrongApiKey_ClientUnauthenticated(string client, string key)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = env.Request(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", client);
        request.Headers.Add("Naqil-Api-Key", key);

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "client-unauthenticated", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task ConsumerFace_RightApiKey_Carried()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = env.Request(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", GatewayTestEnvironment.Keyed);
        request.Headers.Add("Naqil-Api-Key", GatewayTestEnvironment.ApiKey);

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        ResponseAssert.Status(HttpStatusCode.OK, response);
        Assert.Equal(1, env.Backend.Calls);
    }

    [Fact]
    public async Task ConsumerFace_ClientNotConfiguredOnGateway_ClientUnauthenticated()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", "SY/GOV/MOCT/unlisted");

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "client-unauthenticated", response);
    }
}

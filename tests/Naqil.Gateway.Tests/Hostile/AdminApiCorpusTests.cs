namespace Naqil.Gateway.Tests.Hostile;

/// <summary>The gateway admin API (consumer face) given hostile bodies and parameters: refused with problem+json, no rule stored.</summary>
public sealed class AdminApiCorpusTests(SharedGateway gateway) : IClassFixture<SharedGateway>
{
    private const string Auth = "\nAuthorization: Bearer test-admin-token-0123456789";
    private const string Json = "\nContent-Type: application/json";

    [Theory]
    [InlineData(Json, "{\"service\":", 400, "bad-request")]
    [InlineData(Json, "not json at all", 400, "bad-request")]
    [InlineData(Json, "[1,2,3]", 400, "bad-request")]
    [InlineData(Json, "null", 400, "bad-request")]
    [InlineData(Json, "{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/other\",\"methods\":[\"GET\"],\"pathPrefix\":\"/../admin\"}", 400, "bad-identifier")]
    [InlineData(Json, "{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/other\",\"methods\":[\"GET\"],\"pathPrefix\":\"/persons%2F\"}", 400, "bad-identifier")]
    [InlineData(Json, "{\"service\":\"SY/GOV/CIVREG/registry/pers\u00D1\u0080ons\",\"client\":\"SY/GOV/MOCT/other\",\"methods\":[],\"pathPrefix\":\"\"}", 400, "bad-identifier")]
    [InlineData(Json, "{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/..\",\"methods\":[],\"pathPrefix\":\"\"}", 400, "bad-identifier")]
    [InlineData(Json, "{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/other\",\"methods\":[\"get\",\"TRACE\"],\"pathPrefix\":\"\"}", 400, "bad-identifier")]
    [InlineData(Json, "{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/other\",\"methods\":[\"GET\"],\"pathPrefix\":\"/p\u00FF\"}", 400, "bad-request")]
    [InlineData(Json, "{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/other\",\"methods\":[\"GET\"],\"pathPrefix\":\"\",\"extra\":\"", 400, "bad-request")]
    [InlineData("\nContent-Type: text/plain", "{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/other\",\"methods\":[],\"pathPrefix\":\"\"}", 400, "bad-request")]
    [InlineData("", "{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/other\",\"methods\":[],\"pathPrefix\":\"\"}", 400, "bad-request")]
    public async Task PutRule_HostileBody_RefusedWithProblem_NothingStored(string contentType, string body, int status, string code)
    {
        var env = gateway.Env;
        var before = await RulesAsync();

        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, HostileWire.Request(env.Consumer.ConsumerUrl, "PUT /admin/v1/acl HTTP/1.1" + Auth + contentType, body));

        WireAssert.Refused(answer, status, code);
        Assert.Equal(before, await RulesAsync());
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task PutRule_HugeJson_RefusedWithProblem_NothingStored()
    {
        var env = gateway.Env;
        var before = await RulesAsync();
        var body = "{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/other\",\"methods\":[" + string.Join(',', Enumerable.Repeat("\"GET\"", 200_000)) + "],\"pathPrefix\":\"\"}";

        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, HostileWire.Request(env.Consumer.ConsumerUrl, "PUT /admin/v1/acl HTTP/1.1" + Auth + Json, body));

        Assert.True(answer.Status is 400 or 413, answer.ToString());
        Assert.Equal("application/problem+json", answer.Header("Content-Type")?.Split(';')[0]);
        Assert.NotNull(answer.Header("Naqil-Error"));
        Assert.Equal(before, await RulesAsync());
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task PutRule_DeeplyNestedJson_RefusedWithProblem_NothingStored()
    {
        var env = gateway.Env;
        var before = await RulesAsync();
        var body = "{\"service\":" + new string('[', 5000) + new string(']', 5000) + "}";

        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, HostileWire.Request(env.Consumer.ConsumerUrl, "PUT /admin/v1/acl HTTP/1.1" + Auth + Json, body));

        WireAssert.Refused(answer, 400, "bad-request");
        Assert.Equal(before, await RulesAsync());
    }

    [Theory]
    [InlineData("DELETE /admin/v1/acl?service=SY/GOV/CIVREG/registry/../x&client=SY/GOV/MOCT/portal HTTP/1.1" + Auth, 400, "bad-identifier")]
    [InlineData("DELETE /admin/v1/acl?service=SY%2FGOV%2FCIVREG%2Fregistry%2Fpers%D1%80ons&client=SY/GOV/MOCT/portal HTTP/1.1" + Auth, 400, "bad-identifier")]
    [InlineData("DELETE /admin/v1/acl?service=%FF%FE&client=%C0%AF HTTP/1.1" + Auth, 400, "bad-identifier")]
    [InlineData("DELETE /admin/v1/acl HTTP/1.1" + Auth, 400, "bad-identifier")]
    [InlineData("GET /admin/v1/%2e%2e/acl HTTP/1.1" + Auth, 404, "not-found")]
    [InlineData("GET /admin/v1/acl.json HTTP/1.1" + Auth, 404, "not-found")]
    [InlineData("GET /favicon.ico HTTP/1.1", 404, "not-found")]
    [InlineData("GET /admin/v1/acl HTTP/1.1\nAuthorization: Bearer test-admin-token-0123456789\u00FF", 400, "kestrel")]
    [InlineData("GET /admin/v1/acl HTTP/1.1\nAuthorization: Bearer test-admin-token-012345678\u00D1\u0080", 401, "unauthorized")]
    [InlineData("GET /admin/v1/acl HTTP/1.1\nAuthorization: Bearer  test-admin-token-0123456789 x", 401, "unauthorized")]
    public async Task AdminRequest_HostileTargetOrToken_RefusedWithProblem_NothingRemoved(string head, int status, string code)
    {
        var env = gateway.Env;
        var before = await RulesAsync();

        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, HostileWire.Request(env.Consumer.ConsumerUrl, head));

        WireAssert.Refused(answer, status, code);
        Assert.Equal(before, await RulesAsync());
        await gateway.AssertStillServingAsync();
    }

    private async Task<string> RulesAsync()
    {
        var env = gateway.Env;
        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, HostileWire.Request(env.Consumer.ConsumerUrl, "GET /admin/v1/acl HTTP/1.1" + Auth));
        Assert.Equal(200, answer.Status);
        Assert.StartsWith("[", answer.Body, StringComparison.Ordinal);
        return answer.Body;
    }
}

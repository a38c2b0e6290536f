using Microsoft.Extensions.Logging.Abstractions;
using Naqil.Gateway.AccessControl;
using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace.Steps;
using Naqil.Gateway.Storage;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ProviderFace.Steps;

/// <summary>On a real access control list over SQLite: the portal may GET under /persons/ and POST /persons/search.</summary>
public sealed class AccessControlStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Portal, "GET", "/persons/1", null)]
    [InlineData(StepFixture.Portal, "GET", "/persons/1?fields=name", null)]
    [InlineData(StepFixture.Portal, "POST", "/persons/search", null)]
    [InlineData(StepFixture.Portal, "POST", "/persons/1", nameof(GatewayError.AccessDenied))]
    [InlineData(StepFixture.Portal, "DELETE", "/persons/1", nameof(GatewayError.AccessDenied))]
    [InlineData(StepFixture.Portal, "get", "/persons/1", nameof(GatewayError.AccessDenied))]
    [InlineData(StepFixture.Portal, "GET", "/personsx", nameof(GatewayError.AccessDenied))]
    [InlineData(StepFixture.Portal, "GET", "/", nameof(GatewayError.AccessDenied))]
    [InlineData(StepFixture.PartnerClient, "GET", "/persons/1", nameof(GatewayError.AccessDenied))]
    public async Task AccessControl_ClientMethodAndPath_AllowedByARulePassesElseAccessDenied(string client, string method, string path, string? expected)
    {
        var acl = new AccessControlList(new SqliteAclStore(Path.Combine(_fixture.Folder, "acl.db")), NullLogger<AccessControlList>.Instance);
        await acl.AddAsync(new AclRule(StepFixture.Persons, StepFixture.Portal, ["GET"], "/persons/"), TestContext.Current.CancellationToken);
        await acl.AddAsync(new AclRule(StepFixture.Persons, StepFixture.Portal, ["POST"], "/persons/search"), TestContext.Current.CancellationToken);
        await acl.AddAsync(new AclRule(StepFixture.Holidays, StepFixture.PartnerClient, [], ""), TestContext.Current.CancellationToken);
        var exchange = _fixture.ProviderExchange($"/r1/{StepFixture.Persons}{path}", method, [new(NaqilHeaders.Client, client)]);
        Assert.Null(await new ParseTargetStep().InvokeAsync(exchange));

        var problem = await new AccessControlStep(acl).InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.StartsWith($"client {client} may not call {method} {path.Split('?')[0]} on {StepFixture.Persons}", StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Naqil.Registry.Tests.Apis;

/// <summary>Topics and subscriptions through the admin API: the happy path and each refusal.</summary>
public sealed class AdminApiTopicsTests : IAsyncLifetime
{
    private const string Topic = "/admin/v1/topics/SY/GOV/POST/ems/items";
    private const string Subscriber = Topic + "/subscribers/SY/GOV/CUSTOMS/clearance";
    private readonly TempDirectory _directory = new();
    private RegistryHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await RegistryHost.StartAsync(_directory.Path);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task TopicAndSubscriptions_Crud_ReflectedInListsAndSignedConfiguration()
    {
        await SeedAsync();
        await PutPartnerAsync("IQ");

        using var topic = await _host.PutAsync(Topic, new { personalData = false, description = "EMS item events", schema = """{"type":"object"}""" });
        using var same = await _host.PutAsync(Topic, new { personalData = false, description = "EMS item events", schema = """{"type":"object"}""" });
        using var local = await _host.Admin.PutAsync(Subscriber, null, Ct);
        using var foreign = await _host.PutAsync(Topic + "/subscribers/IQ/GOV/POST/ems", new { });
        var serial = await _host.SerialAsync();
        using var again = await _host.Admin.PutAsync(Subscriber, null, Ct);

        Assert.Equal(HttpStatusCode.Created, topic.StatusCode);
        Assert.Equal("/admin/v1/topics/SY/GOV/POST/ems/items", topic.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(HttpStatusCode.Created, local.StatusCode);
        Assert.Equal(Subscriber, local.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Created, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(serial, await _host.SerialAsync());

        var topics = await _host.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/topics", Ct);
        var listed = topics.GetProperty("topics").EnumerateArray().Single();
        Assert.Equal(("SY/GOV/POST/ems/items", "SY/GOV/POST/ems", """{"type":"object"}"""),
            (listed.GetProperty("id").GetString(), listed.GetProperty("publisher").GetString(), listed.GetProperty("schema").GetString()));
        var subscriptions = await _host.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/subscriptions", Ct);
        Assert.Equal(serial, subscriptions.GetProperty("serial").GetInt64());
        Assert.Equal(["IQ/GOV/POST/ems", "SY/GOV/CUSTOMS/clearance"],
            subscriptions.GetProperty("subscriptions").EnumerateArray().Select(s => s.GetProperty("subscriber").GetString()));

        var configuration = await _host.ConfigurationAsync();
        Assert.Equal(new Naqil.Trust.TopicEntry("SY/GOV/POST/ems/items", false, "EMS item events", """{"type":"object"}"""), configuration.Topics.Single());
        Assert.Equal(
            [new("SY/GOV/POST/ems/items", "IQ/GOV/POST/ems"), new("SY/GOV/POST/ems/items", "SY/GOV/CUSTOMS/clearance")],
            configuration.Subscriptions);

        using var unsubscribed = await _host.Admin.DeleteAsync(Subscriber, Ct);
        using var unsubscribedAgain = await _host.Admin.DeleteAsync(Subscriber, Ct);
        Assert.Equal(HttpStatusCode.NoContent, unsubscribed.StatusCode);
        await ProblemAssert.IsProblemAsync(unsubscribedAgain, HttpStatusCode.NotFound, "not-found");
        Assert.Equal("IQ/GOV/POST/ems", (await _host.ConfigurationAsync()).Subscriptions.Single().Subscriber);

        using var deleted = await _host.Admin.DeleteAsync(Topic, Ct);
        using var deletedAgain = await _host.Admin.DeleteAsync(Topic, Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAssert.IsProblemAsync(deletedAgain, HttpStatusCode.NotFound, "not-found");
        var after = await _host.ConfigurationAsync();
        Assert.Empty(after.Topics);
        Assert.Empty(after.Subscriptions);
    }

    public static TheoryData<string, HttpStatusCode, string, string> BadTopics => new()
    {
        { "/admin/v1/topics/SY/GOV/POST/nosuch/items", HttpStatusCode.Conflict, "conflict", "publisher subsystem SY/GOV/POST/nosuch is not registered" },
        { "/admin/v1/topics/SY/GOV/POST/ems/tracking", HttpStatusCode.Conflict, "conflict", "is already a service" },
        { "/admin/v1/topics/IQ/GOV/POST/ems/items", HttpStatusCode.BadRequest, "bad-identifier", "not this registry's instance SY" },
        { "/admin/v1/topics/SY/GOV/POST/ems/it%20ems", HttpStatusCode.BadRequest, "bad-identifier", "The topic: the topic segment 'it ems'" },
        { "/admin/v1/topics/SY/gov/POST/ems/items", HttpStatusCode.BadRequest, "bad-identifier", "The topic: " },
    };

    [Theory]
    [MemberData(nameof(BadTopics))]
    public async Task PutTopic_Refused_NamesWhatIsWrong_AndChangesNothing(string path, HttpStatusCode status, string code, string detail)
    {
        await SeedAsync();
        using (await _host.PutAsync("/admin/v1/services/SY/GOV/POST/ems/tracking", new { personalData = false }))
        {
        }

        var serial = await _host.SerialAsync();

        using var response = await _host.PutAsync(path, new { personalData = false });

        Assert.Contains(detail, await ProblemAssert.IsProblemAsync(response, status, code), StringComparison.Ordinal);
        Assert.Equal(serial, await _host.SerialAsync());
    }

    [Theory]
    [InlineData("""{"description":"no flag"}""", "personalData")]
    [InlineData("""{"personalData":false,"schema":"{not json"}""", "'schema' is not JSON text")]
    [InlineData("""{"personalData":false,"scheme":"{}"}""", "scheme")]
    public async Task PutTopic_BadBody_RefusedAsBadRequest(string body, string detail)
    {
        await SeedAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await _host.Admin.PutAsync(Topic, content, Ct);

        Assert.Contains(detail, await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-request"), StringComparison.Ordinal);
        Assert.Empty((await _host.ConfigurationAsync()).Topics);
    }

    public static TheoryData<string, HttpStatusCode, string, string> BadSubscriptions => new()
    {
        { "/admin/v1/topics/SY/GOV/POST/ems/bags/subscribers/SY/GOV/CUSTOMS/clearance", HttpStatusCode.Conflict, "conflict", "topic SY/GOV/POST/ems/bags is not registered" },
        { Topic + "/subscribers/SY/GOV/CUSTOMS/nosuch", HttpStatusCode.Conflict, "conflict", "subscriber subsystem SY/GOV/CUSTOMS/nosuch is not registered" },
        { Topic + "/subscribers/JO/GOV/POST/ems", HttpStatusCode.Conflict, "conflict", "JO, which is not a federation partner" },
        { Topic + "/subscribers/SY/GOV/CUSTOMS/clear%2Fance", HttpStatusCode.BadRequest, "bad-identifier", "The subscriber: " },
        { Topic + "/subscribers/SY/gov/CUSTOMS/clearance", HttpStatusCode.BadRequest, "bad-identifier", "The subscriber: the member class segment 'gov'" },
        { "/admin/v1/topics/IQ/GOV/POST/ems/items/subscribers/SY/GOV/CUSTOMS/clearance", HttpStatusCode.BadRequest, "bad-identifier", "not this registry's instance SY" },
    };

    [Theory]
    [MemberData(nameof(BadSubscriptions))]
    public async Task PutSubscription_Refused_NamesWhatIsWrong_AndChangesNothing(string path, HttpStatusCode status, string code, string detail)
    {
        await SeedAsync();
        using (await _host.PutAsync(Topic, new { personalData = false }))
        {
        }

        var serial = await _host.SerialAsync();

        using var response = await _host.Admin.PutAsync(path, null, Ct);

        Assert.Contains(detail, await ProblemAssert.IsProblemAsync(response, status, code), StringComparison.Ordinal);
        Assert.Equal(serial, await _host.SerialAsync());
        Assert.Empty((await _host.ConfigurationAsync()).Subscriptions);
    }

    [Fact]
    public async Task PutSubscription_WithADeliveryEndpointInTheBody_RefusedAsBadRequest()
    {
        await SeedAsync();
        using (await _host.PutAsync(Topic, new { personalData = false }))
        {
        }

        using var response = await _host.PutAsync(Subscriber, new { endpoint = "https://customs.internal/events" });

        Assert.Contains("endpoint", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-request"), StringComparison.Ordinal);
        Assert.Empty((await _host.ConfigurationAsync()).Subscriptions);
    }

    [Fact]
    public async Task DeleteMember_RemovesItsTopicsAndTheSubscriptionsToThem()
    {
        await SeedAsync();
        using (await _host.PutAsync(Topic, new { personalData = false }))
        using (await _host.Admin.PutAsync(Subscriber, null, Ct))
        {
        }

        using var deleted = await _host.Admin.DeleteAsync("/admin/v1/members/SY/GOV/POST", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var configuration = await _host.ConfigurationAsync();
        Assert.Empty(configuration.Topics);
        Assert.Empty(configuration.Subscriptions);
    }

    [Fact]
    public async Task TopicEndpoints_WithoutToken_Return401()
    {
        using var response = await _host.Anonymous.GetAsync("/admin/v1/topics", Ct);
        using var put = await _host.Anonymous.PutAsync(Subscriber, null, Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsProblemAsync(put, HttpStatusCode.Unauthorized, "unauthorized");
    }

    /// <summary>SY/GOV/POST/ems publishes; SY/GOV/CUSTOMS/clearance may subscribe.</summary>
    private async Task SeedAsync()
    {
        foreach (var (path, body) in new (string, object)[]
        {
            ("/admin/v1/members/SY/GOV/POST", new { name = "Syrian Post" }),
            ("/admin/v1/subsystems/SY/GOV/POST/ems", new { }),
            ("/admin/v1/members/SY/GOV/CUSTOMS", new { name = "Customs" }),
            ("/admin/v1/subsystems/SY/GOV/CUSTOMS/clearance", new { }),
        })
        {
            using var response = await _host.PutAsync(path, body);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        }
    }

    private async Task PutPartnerAsync(string instance)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var anchor = new CertificateRequest($"CN=Naqil registry {instance}", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(_host.Time.GetUtcNow().AddDays(-1), _host.Time.GetUtcNow().AddYears(10));
        using var response = await _host.PutAsync($"/admin/v1/partners/{instance}",
            new { anchor = anchor.ExportCertificatePem(), configUrl = $"https://registry.{instance.ToLowerInvariant()}.example/trust/v1/config" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}

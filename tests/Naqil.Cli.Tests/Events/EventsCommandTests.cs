using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Naqil.Cli.Commands;
using Naqil.Cli.Events;

namespace Naqil.Cli.Tests.Events;

/// <summary>
/// <c>naqil events ...</c> parsed and run as the executable runs them, against a stub of the
/// gateway's events admin API: the requests they send, what they print, and exit codes (0, or 1
/// with one line on stderr).
/// </summary>
public sealed class EventsCommandTests : IAsyncLifetime
{
    private const string Items = "SY/GOV/POST/ems/items";
    private const string Alerts = "SY/GOV/POST/ems/alerts";
    private const string IqPost = "IQ/GOV/POST/ems";
    private const string Customs = "SY/GOV/CUSTOMS/clearance";

    private const string Subscriptions = $$"""
        {"outbound":[
          {"topic":"{{Items}}","subscriber":"{{Customs}}","pending":0,"dead":0,"delivered":12,"oldestPending":null,"lagSeconds":0,"nextAttempt":null,"attempts":0,"lastError":null,"lastDelivered":"2026-12-07T21:30:00+00:00"},
          {"topic":"{{Items}}","subscriber":"{{IqPost}}","pending":3,"dead":1,"delivered":40,"oldestPending":"2026-12-07T21:26:40+00:00","lagSeconds":200.5,"nextAttempt":"2026-12-07T21:30:05+00:00","attempts":4,"lastError":"provider-unreachable: connection refused","lastDelivered":"2026-12-07T21:20:00+00:00"},
          {"topic":"{{Alerts}}","subscriber":"{{IqPost}}","pending":1,"dead":0,"delivered":7,"oldestPending":"2026-12-07T21:29:57.75+00:00","lagSeconds":2.25,"nextAttempt":"2026-12-07T21:30:01+00:00","attempts":1,"lastError":null,"lastDelivered":null}
        ],
        "inbound":[{"topic":"IQ/GOV/POST/ems/items","subscriber":"SY/GOV/POST/ems","endpoint":"http://127.0.0.1:5000/events/ems"}]}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("naqil-cli-events-").FullName;
    private StubGateway _gateway = null!;
    private string _tokenFile = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _gateway = await StubGateway.StartAsync(Ct);
        _tokenFile = Path.Combine(_directory, "admin-token");
        await File.WriteAllTextAsync(_tokenFile, StubGateway.Token + "\n", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Subscriptions_PrintsOutboundAndInboundTablesSortedByTopic()
    {
        _gateway.SubscriptionsJson = Subscriptions;

        var run = await RunAsync("events", "subscriptions", "--gateway", _gateway.Url, "--token-file", _tokenFile);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Equal(
        [
            "Outbound: subscriptions this gateway delivers to",
            "TOPIC                   SUBSCRIBER                PENDING  DEAD  DELIVERED     LAG  NEXT ATTEMPT          ATTEMPTS  LAST ERROR",
            "SY/GOV/POST/ems/alerts  IQ/GOV/POST/ems                 1     0          7      2s  2026-12-07 21:30:01Z         1  -",
            "SY/GOV/POST/ems/items   IQ/GOV/POST/ems                 3     1         40  3m 20s  2026-12-07 21:30:05Z         4  provider-unreachable: connection refused",
            "SY/GOV/POST/ems/items   SY/GOV/CUSTOMS/clearance        0     0         12       -  -                            -  -",
            "",
            "Inbound: subscriptions this gateway receives for its subsystems",
            "TOPIC                  SUBSCRIBER       ENDPOINT",
            "IQ/GOV/POST/ems/items  SY/GOV/POST/ems  http://127.0.0.1:5000/events/ems",
        ], run.OutputLines);
        var request = Assert.Single(_gateway.Requests);
        Assert.Equal(("GET", "/admin/v1/events/subscriptions", $"Bearer {StubGateway.Token}"), (request.Method, request.PathAndQuery, request.Authorization));
    }

    [Fact]
    public async Task Subscriptions_NoneEitherWay_SaysSo()
    {
        var run = await RunAsync("events", "subscriptions", "--gateway", _gateway.Url, "--token-file", _tokenFile);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
        [
            "Outbound: subscriptions this gateway delivers to",
            "none: this gateway has delivered nothing yet (a subscription shows once an event is published on its topic)",
            "",
            "Inbound: subscriptions this gateway receives for its subsystems",
            "none configured (Gateway:Subscriptions)",
        ], run.OutputLines);
    }

    [Fact]
    public async Task Subscriptions_Json_PrintsTheGatewaysAnswerAsItCame()
    {
        _gateway.SubscriptionsJson = Subscriptions;

        var run = await RunAsync("events", "subscriptions", "--gateway", _gateway.Url, "--token-file", _tokenFile, "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Subscriptions + Environment.NewLine, run.Output);
    }

    [Fact]
    public async Task Subscriptions_ErrorWithControlCharacters_PrintedOnOneLineWithoutThem()
    {
        // The last error comes from the subscriber's side; a terminal escape or a line break in it must not reach the operator's terminal.
        _gateway.SubscriptionsJson = $$"""{"outbound":[{"topic":"{{Items}}","subscriber":"{{IqPost}}","pending":1,"dead":0,"delivered":0,"oldestPending":"2026-12-07T21:29:00+00:00","lagSeconds":60,"nextAttempt":"2026-12-07T21:30:00+00:00","attempts":2,"lastError":"backend said\n\u001b[2Jboom","lastDelivered":null}],"inbound":[]}""";

        var run = await RunAsync("events", "subscriptions", "--gateway", _gateway.Url, "--token-file", _tokenFile);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain('\u001b', run.Output);
        Assert.EndsWith("  1m 0s  2026-12-07 21:30:00Z         2  backend said  [2Jboom", run.OutputLines[2], StringComparison.Ordinal);
        Assert.Equal(6, run.OutputLines.Length);
    }

    [Fact]
    public async Task Lag_ListsSubscriptionsFurthestBehindFirst()
    {
        _gateway.SubscriptionsJson = Subscriptions;

        var run = await RunAsync("events", "lag", "--gateway", _gateway.Url, "--token-file", _tokenFile);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
        [
            "SUBSCRIBER                TOPIC                   PENDING  DEAD  LAG SECONDS  OLDEST PENDING",
            "IQ/GOV/POST/ems           SY/GOV/POST/ems/items         3     1        200.5  2026-12-07 21:26:40Z",
            "IQ/GOV/POST/ems           SY/GOV/POST/ems/alerts        1     0          2.3  2026-12-07 21:29:57Z",
            "SY/GOV/CUSTOMS/clearance  SY/GOV/POST/ems/items         0     0          0.0  -",
        ], run.OutputLines);
    }

    [Fact]
    public async Task Lag_Json_IsTheSameOrderAsJson()
    {
        _gateway.SubscriptionsJson = Subscriptions;

        var run = await RunAsync("events", "lag", "--gateway", _gateway.Url, "--token-file", _tokenFile, "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(
            [(IqPost, Items, 3L, 200.5), (IqPost, Alerts, 1L, 2.25), (Customs, Items, 0L, 0.0)],
            json.RootElement.EnumerateArray().Select(e => (e.GetProperty("subscriber").GetString(), e.GetProperty("topic").GetString(), e.GetProperty("pending").GetInt64(), e.GetProperty("lagSeconds").GetDouble())));
        Assert.False(json.RootElement[2].TryGetProperty("oldestPending", out _), "a null oldestPending is left out");
    }

    [Fact]
    public async Task DeadLetters_SendsTheFiltersAndPrintsATable()
    {
        _gateway.DeadLettersJson = $$"""
            [{"eventId":"0190a6c2-6b1e-7cc4-a8a4-3f2c3d1e9b01","topic":"{{Items}}","subscriber":"{{IqPost}}","published":"2026-12-07T20:00:00+00:00","attempts":8,"error":"backend-unreachable","dead":"2026-12-07T20:30:00+00:00"}]
            """;

        var run = await RunAsync("events", "dead-letters", "--gateway", _gateway.Url, "--token-file", _tokenFile, "--topic", Items, "--subscriber", IqPost, "--limit", "5");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/admin/v1/events/dead-letters?topic=SY%2FGOV%2FPOST%2Fems%2Fitems&subscriber=IQ%2FGOV%2FPOST%2Fems&limit=5", Assert.Single(_gateway.Requests).PathAndQuery);
        Assert.Equal(
        [
            "EVENT ID                              TOPIC                  SUBSCRIBER       PUBLISHED             DEAD                  ATTEMPTS  ERROR",
            "0190a6c2-6b1e-7cc4-a8a4-3f2c3d1e9b01  SY/GOV/POST/ems/items  IQ/GOV/POST/ems  2026-12-07 20:00:00Z  2026-12-07 20:30:00Z         8  backend-unreachable",
        ], run.OutputLines);
    }

    [Fact]
    public async Task DeadLetters_AsManyAsTheLimit_SaysMoreMayWait()
    {
        _gateway.DeadLettersJson = $$"""
            [{"eventId":"0190a6c2-6b1e-7cc4-a8a4-3f2c3d1e9b01","topic":"{{Items}}","subscriber":"{{IqPost}}","published":"2026-12-07T20:00:00+00:00","attempts":8,"error":null,"dead":null}]
            """;

        var run = await RunAsync("events", "dead-letters", "--gateway", _gateway.Url, "--token-file", _tokenFile, "--limit", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/admin/v1/events/dead-letters?limit=1", Assert.Single(_gateway.Requests).PathAndQuery);
        Assert.EndsWith("  2026-12-07 20:00:00Z  -            8  -", run.OutputLines[1], StringComparison.Ordinal);
        Assert.Equal("the oldest 1 shown, there may be more: --limit up to 1000", run.OutputLines[^1]);
    }

    [Fact]
    public async Task DeadLetters_None_SaysSoNamingTheFilter()
    {
        var run = await RunAsync("events", "dead-letters", "--gateway", _gateway.Url, "--token-file", _tokenFile, "--subscriber", IqPost);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/admin/v1/events/dead-letters?subscriber=IQ%2FGOV%2FPOST%2Fems", Assert.Single(_gateway.Requests).PathAndQuery);
        Assert.Equal(["no dead letters of subscriber IQ/GOV/POST/ems"], run.OutputLines);
    }

    [Fact]
    public async Task DeadLetters_LimitTheGatewayRefuses_PrintsItsDetailAndCodeAndExitsOne()
    {
        var run = await RunAsync("events", "dead-letters", "--gateway", _gateway.Url, "--token-file", _tokenFile, "--limit", "5000");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal("naqil events dead-letters: the gateway refused GET /admin/v1/events/dead-letters?limit=5000 (400 bad-request): limit must be 1 to 1000" + Environment.NewLine, run.Error);
    }

    [Theory]
    [InlineData(new[] { "--event", "0190a6c2-6b1e-7cc4-a8a4-3f2c3d1e9b01" }, """{"eventId":"0190a6c2-6b1e-7cc4-a8a4-3f2c3d1e9b01"}""", " of event 0190a6c2-6b1e-7cc4-a8a4-3f2c3d1e9b01")]
    [InlineData(new[] { "--topic", Items, "--subscriber", IqPost }, """{"topic":"SY/GOV/POST/ems/items","subscriber":"IQ/GOV/POST/ems"}""", " of topic SY/GOV/POST/ems/items, subscriber IQ/GOV/POST/ems")]
    [InlineData(new[] { "--topic", Items }, """{"topic":"SY/GOV/POST/ems/items"}""", " of topic SY/GOV/POST/ems/items")]
    [InlineData(new[] { "--subscriber", IqPost }, """{"subscriber":"IQ/GOV/POST/ems"}""", " of subscriber IQ/GOV/POST/ems")]
    [InlineData(new[] { "--subscriber", IqPost, "--event", "0190a6c2-6b1e-7cc4-a8a4-3f2c3d1e9b01" }, """{"eventId":"0190a6c2-6b1e-7cc4-a8a4-3f2c3d1e9b01","subscriber":"IQ/GOV/POST/ems"}""", " of event 0190a6c2-6b1e-7cc4-a8a4-3f2c3d1e9b01, subscriber IQ/GOV/POST/ems")]
    [InlineData(new[] { "--all" }, """{"all":true}""", "")]
    public async Task Redeliver_PostsExactlyWhatWasNamed(string[] what, string expectedBody, string scope)
    {
        _gateway.Redelivered = 2;

        var run = await RunAsync(["events", "redeliver", "--gateway", _gateway.Url, "--token-file", _tokenFile, .. what]);

        Assert.Equal(0, run.ExitCode);
        var request = Assert.Single(_gateway.Requests);
        Assert.Equal(("POST", "/admin/v1/events/dead-letters/redeliver", "application/json; charset=utf-8"), (request.Method, request.PathAndQuery, request.ContentType));
        Assert.Equal(expectedBody, request.Body);
        Assert.Equal([$"redelivered 2 dead letters{scope}; the gateway delivers them now"], run.OutputLines);
    }

    [Theory]
    [InlineData(new[] { "--topic", Items }, "nothing redelivered: no dead letter of topic SY/GOV/POST/ems/items")]
    [InlineData(new[] { "--all" }, "nothing redelivered: the gateway holds no dead letters")]
    public async Task Redeliver_NothingMatched_SaysSoAndExitsZero(string[] what, string expected)
    {
        var run = await RunAsync(["events", "redeliver", "--gateway", _gateway.Url, "--token-file", _tokenFile, .. what]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([expected], run.OutputLines);
    }

    [Theory]
    [InlineData(new string[0], "say what to redeliver: --event ID, --topic T and/or --subscriber S, or --all")]
    [InlineData(new[] { "--topic", "" }, "say what to redeliver: --event ID, --topic T and/or --subscriber S, or --all")]
    [InlineData(new[] { "--all", "--topic", Items }, "--all redelivers every dead letter: give it alone, or leave it out and name --event, --topic or --subscriber")]
    public async Task Redeliver_NothingOrTooMuchNamed_RefusedWithoutARequest(string[] what, string expected)
    {
        var run = await RunAsync(["events", "redeliver", "--gateway", _gateway.Url, "--token-file", _tokenFile, .. what]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(expected, run.ErrorLines[0]);
        Assert.Empty(_gateway.Requests);
    }

    [Fact]
    public async Task Redeliver_EventIdTheGatewayRefuses_PrintsItsDetailAndCode()
    {
        var run = await RunAsync("events", "redeliver", "--gateway", _gateway.Url, "--token-file", _tokenFile, "--event", "item-42");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["naqil events redeliver: the gateway refused POST /admin/v1/events/dead-letters/redeliver (400 bad-request): eventId must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e"], run.ErrorLines);
    }

    [Theory]
    [InlineData("subscriptions")]
    [InlineData("lag")]
    [InlineData("dead-letters")]
    public async Task WrongToken_ExitsOneNamingTheTokenFileNeverTheToken(string command)
    {
        const string Wrong = "wrong-token-0123456789abcdef";
        await File.WriteAllTextAsync(_tokenFile, Wrong, Ct);

        var run = await RunAsync("events", command, "--gateway", _gateway.Url, "--token-file", _tokenFile);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal([$"naqil events {command}: the gateway at {_gateway.Url} refused the admin token in {_tokenFile} (401 unauthorized); the file must hold that gateway's Gateway:AdminToken"], run.ErrorLines);
        Assert.DoesNotContain(Wrong, run.Error, StringComparison.Ordinal);
        Assert.Equal($"Bearer {Wrong}", Assert.Single(_gateway.Requests).Authorization);
    }

    [Theory]
    [InlineData(null, "does not exist")]
    [InlineData(" \n", "is empty")]
    [InlineData("secret part\nsecond-line", "holds characters a bearer token cannot carry")]
    public async Task UnusableTokenFile_RefusedNamingTheFileWithoutARequest(string? content, string expected)
    {
        var file = Path.Combine(_directory, "other-token");
        if (content is not null)
        {
            await File.WriteAllTextAsync(file, content, Ct);
        }

        var run = await RunAsync("events", "lag", "--gateway", _gateway.Url, "--token-file", file);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"naqil events lag: the token file {file} ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", line, StringComparison.Ordinal);
        Assert.Empty(_gateway.Requests);
    }

    [Fact]
    public async Task TokenFileWithByteOrderMark_SendsTheTokenWithoutIt()
    {
        // The sandbox writes its token files with a UTF-8 byte order mark.
        await File.WriteAllTextAsync(_tokenFile, StubGateway.Token + "\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), Ct);
        Assert.Equal(0xEF, (await File.ReadAllBytesAsync(_tokenFile, Ct))[0]);

        var run = await RunAsync("events", "lag", "--gateway", _gateway.Url, "--token-file", _tokenFile);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"Bearer {StubGateway.Token}", Assert.Single(_gateway.Requests).Authorization);
    }

    [Fact]
    public async Task NoTokenFileOption_IsAParseError()
    {
        var run = await RunAsync("events", "subscriptions", "--gateway", _gateway.Url);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--token-file", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.Empty(_gateway.Requests);
    }

    [Fact]
    public async Task GatewayUnreachable_ExitsOneNamingIt()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();

        var run = await RunAsync("events", "subscriptions", "--gateway", closed, "--token-file", _tokenFile);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"naqil events subscriptions: cannot reach the gateway at {closed}: ", line, StringComparison.Ordinal);
        Assert.EndsWith("; is it running, and is --gateway its consumer face?", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GatewayWithoutTheRoutes_ExitsOneWithStatusAndAHint()
    {
        var run = await RunAsync("events", "subscriptions", "--gateway", _gateway.Url + "/elsewhere", "--token-file", _tokenFile);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("/elsewhere/admin/v1/events/subscriptions", Assert.Single(_gateway.Requests).PathAndQuery);
        Assert.Equal([$"naqil events subscriptions: the gateway at {_gateway.Url}/elsewhere answered GET /admin/v1/events/subscriptions with 404 Not Found; is --gateway the gateway's consumer face, and does the gateway deliver events (a version with the events admin API)?"], run.ErrorLines);
    }

    [Fact]
    public async Task AnswerNotUnderstood_ExitsOneNamingTheCall()
    {
        _gateway.SubscriptionsJson = """{"outbound":"soon"}""";

        var run = await RunAsync("events", "subscriptions", "--gateway", _gateway.Url, "--token-file", _tokenFile);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"naqil events subscriptions: the gateway at {_gateway.Url} answered GET /admin/v1/events/subscriptions with JSON this naqil does not understand (", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:4110")]
    [InlineData("ftp://127.0.0.1:4110")]
    public async Task GatewayNotAnHttpUrl_RefusedWithAnExample(string gateway)
    {
        var run = await RunAsync("events", "lag", "--gateway", gateway, "--token-file", _tokenFile);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"naqil events lag: --gateway {gateway} is not an http(s) URL; give the gateway's consumer face, e.g. http://127.0.0.1:4110"], run.ErrorLines);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59.9, "59s")]
    [InlineData(200.5, "3m 20s")]
    [InlineData(18_420, "5h 7m")]
    [InlineData(187_200, "2d 4h")]
    public void Lag_ReadsAsAnAge(double seconds, string expected) => Assert.Equal(expected, EventsCommands.Lag(seconds));

    private static async Task<Run> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exitCode = await NaqilCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);
        return new Run(exitCode, output.ToString(), error.ToString());
    }

    private sealed record Run(int ExitCode, string Output, string Error)
    {
        public string[] OutputLines => Lines(Output);

        public string[] ErrorLines => Lines(Error);

        private static string[] Lines(string text) => text.Length == 0 ? [] : text.TrimEnd('\n', '\r').Split(Environment.NewLine);
    }
}

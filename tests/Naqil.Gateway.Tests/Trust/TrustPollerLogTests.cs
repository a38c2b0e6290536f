using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.Trust;

/// <summary>What the trust poller tells an operator: the normal state quietly, a rollback or an unlisted gateway loudly.</summary>
public sealed class TrustPollerLogTests : IAsyncDisposable
{
    private const string Member = "SY/GOV/MOCT";
    private const int Refused = 3002;
    private const int Unchanged = 3005;
    private const int NotListed = 3006;

    private readonly string _directory = Directory.CreateTempSubdirectory("naqil-poller-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FakeRegistry? _registry;

    [Fact]
    public async Task Restart_RegistryServesTheHeldConfiguration_NoRefusalLogged()
    {
        var (restarted, logs) = await RestartedAsync(heldSerial: 6);
        await using var _ = restarted;

        for (var poll = 0; poll < 3; poll++)
        {
            Assert.False(await restarted.RefreshTrustAsync());
        }

        Assert.Equal(6, restarted.Trust.Current!.Serial);
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Id == Refused);
        Assert.Contains(logs.Entries, e => e.EventId.Id == Unchanged && e.Level == LogLevel.Debug && e.Message.Contains("serial 6", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_RegistryServesALowerSerial_RefusedAsRollbackAtWarning()
    {
        var (restarted, logs) = await RestartedAsync(heldSerial: 6);
        await using var _ = restarted;
        _registry!.Publish(Configuration(4, []));

        Assert.False(await restarted.RefreshTrustAsync());

        Assert.Equal(6, restarted.Trust.Current!.Serial);
        var refusal = Assert.Single(logs.Entries, e => e.EventId.Id == Refused);
        Assert.Equal(LogLevel.Warning, refusal.Level);
        Assert.Contains("rollback refused", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CodeTheRegistryDoesNotList_WarnedAtEachAdoptionNamingTheKey()
    {
        _registry = await FakeRegistry.StartAsync();
        _registry.Publish(Configuration(5, []));
        var logs = new RecordingLoggerProvider();
        await using var node = await GatewayNode.StartAsync(Member, _directory, _registry, _time, o => o with { Code = "gw9" }, logs: logs);

        _registry.Publish(Configuration(6, [node.Entry() with { Code = "gw1" }]));
        Assert.True(await node.RefreshTrustAsync());
        _registry.Publish(Configuration(7, [node.Entry()]));
        Assert.True(await node.RefreshTrustAsync());

        // Serial 5 (at start) lists no gateway of the member, serial 6 lists gw1, serial 7 lists this gateway.
        var warnings = logs.Entries.Where(e => e.EventId.Id == NotListed).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.Contains("serial 6 does not list this gateway, SY/GOV/MOCT/gw9", warnings[1].Message, StringComparison.Ordinal);
        Assert.Contains("set Gateway:Code to the code the registry lists for this member (gw1)", warnings[1].Message, StringComparison.Ordinal);
    }

    /// <summary>A gateway that adopted <paramref name="heldSerial"/>, stopped, and started again on the same data directory while the registry still serves it.</summary>
    private async Task<(GatewayNode Node, RecordingLoggerProvider Logs)> RestartedAsync(long heldSerial)
    {
        _registry = await FakeRegistry.StartAsync();
        _registry.Publish(Configuration(heldSerial - 1, []));
        await using (var first = await GatewayNode.StartAsync(Member, _directory, _registry, _time, o => o))
        {
            _registry.Publish(Configuration(heldSerial, [first.Entry()]));
            Assert.True(await first.RefreshTrustAsync());
        }

        var logs = new RecordingLoggerProvider();
        return (await GatewayNode.StartAsync(Member, _directory, _registry, _time, o => o, logs: logs), logs);
    }

    private TrustConfiguration Configuration(long serial, IReadOnlyList<GatewayEntry> gateways) => new()
    {
        Instance = "SY",
        Serial = serial,
        Issued = _time.GetUtcNow(),
        Expires = _time.GetUtcNow().AddMinutes(10),
        Members = [new(Member, "Ministry of Communications and Technology")],
        Subsystems = [new($"{Member}/portal")],
        Gateways = gateways,
    };

    public async ValueTask DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

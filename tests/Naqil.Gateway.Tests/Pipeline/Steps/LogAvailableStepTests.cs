using Microsoft.Extensions.Logging.Abstractions;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Storage;

namespace Naqil.Gateway.Tests.Pipeline.Steps;

/// <summary>On a real message log over SQLite: refusing before it is open, and once timestamping has failed for longer than its grace period.</summary>
public sealed class LogAvailableStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("opened", null)]
    [InlineData("not opened", nameof(GatewayError.LogUnavailable))]
    [InlineData("timestamp failing within grace", null)]
    [InlineData("timestamp failing beyond grace", nameof(GatewayError.TimestampUnavailable))]
    [InlineData("timestamp failing, then succeeded", null)]
    public async Task LogAvailable_LogState_PassesOrRefusesWithItsCode(string state, string? expected)
    {
        var options = new MessageLogOptions { TimestampGracePeriod = TimeSpan.FromHours(1) };
        var store = _fixture.Track(new SqliteMessageLogStore(Path.Combine(_fixture.Folder, "log.db")));
        var log = _fixture.Track(new MerkleMessageLog(store, new BodyVault(options, Path.Combine(_fixture.Folder, "body.key")), options, _fixture.Time, NullLogger<MerkleMessageLog>.Instance));
        if (state != "not opened")
        {
            await log.StartAsync(TestContext.Current.CancellationToken);
        }

        if (state.StartsWith("timestamp", StringComparison.Ordinal))
        {
            log.TimestampFailed(_fixture.Time.GetUtcNow());
            _fixture.Time.Advance(state.EndsWith("within grace", StringComparison.Ordinal) ? TimeSpan.FromMinutes(59) : TimeSpan.FromMinutes(61));
            if (state.EndsWith("succeeded", StringComparison.Ordinal))
            {
                log.TimestampSucceeded();
            }
        }

        var problem = await new LogAvailableStep(log).InvokeAsync(_fixture.ConsumerExchange());

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            StepFixture.Refusal(problem, expected);
        }
    }
}

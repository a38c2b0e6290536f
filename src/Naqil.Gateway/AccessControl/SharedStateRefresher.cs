using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Storage;

namespace Naqil.Gateway.AccessControl;

/// <summary>
/// On shared state: picks up access rules another gateway of the member changed, and forgets
/// replay rows gone stale, every <c>Gateway:SharedStatePollInterval</c>.
/// </summary>
internal sealed class SharedStateRefresher(AccessControlList acl, PostgresSharedState shared, IOptions<GatewayOptions> options, TimeProvider time, ILogger<SharedStateRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SharedStatePollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TickAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round, as the timer runs it.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await acl.RefreshAsync(cancellationToken);
            await shared.SweepAsync(time.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            Log.SharedStateFailed(logger, e.Message);
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Naqil.Agencies.Regulator.Settlement;

/// <summary>
/// Sends the regulator's pending statements to its gateway (<c>POST /e1/{topic}</c>) with the
/// Naqil-Id fixed by their body: 2xx marks one published; 408, 429, 5xx or no answer leaves it
/// pending for the next pass; another refusal marks it failed (listed at <c>GET /settlement/statements?state=failed</c>).
/// </summary>
internal sealed class SettlementPublisher(RegulatorService regulator, SettlementExchangeOptions options, SettlementSignal signal, ILogger<SettlementPublisher> logger) : BackgroundService
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.RequestTimeout };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var drained = await PublishPendingAsync(stoppingToken);
                await signal.WaitAsync(drained ? TimeSpan.FromMinutes(1) : options.RetryDelay, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Data.Common.DbException)
            {
                Log.SettlementUnavailable(logger, e.Message);
                await Task.Delay(options.RetryDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One pass; true when nothing is left pending.</summary>
    public async Task<bool> PublishPendingAsync(CancellationToken cancellationToken)
    {
        var target = new Uri($"{options.GatewayUrl!.GetLeftPart(UriPartial.Path).TrimEnd('/')}/e1/{options.Topic}");
        foreach (var statement in (await regulator.StatementsAsync(RegulatorService.Pending, 100, cancellationToken)).Reverse())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target);
            request.Headers.Add("Naqil-Client", options.Publisher);
            request.Headers.Add("Naqil-Id", statement.NaqilId);
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(statement.Body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            string state;
            string? error = null;
            try
            {
                using var response = await _http.SendAsync(request, cancellationToken);
                var status = (int)response.StatusCode;
                state = response.IsSuccessStatusCode ? RegulatorService.Published
                    : status is >= 500 or (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests ? RegulatorService.Pending : RegulatorService.Failed;
                if (!response.IsSuccessStatusCode)
                {
                    var said = response.Headers.TryGetValues("Naqil-Error", out var codes) ? codes.FirstOrDefault() : null;
                    error = $"{status}{(said is null ? "" : " " + said)}";
                }
            }
            catch (HttpRequestException e)
            {
                (state, error) = (RegulatorService.Pending, $"the gateway did not answer: {e.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                (state, error) = (RegulatorService.Pending, "the gateway did not answer in time");
            }

            await regulator.MarkPublicationAsync(statement, state, error, CancellationToken.None);
            Log.SettlementPublished(logger, statement.Period, statement.Partner, options.Topic, statement.NaqilId, state, error ?? "");
            if (state == RegulatorService.Pending)
            {
                return false;
            }
        }

        return true;
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

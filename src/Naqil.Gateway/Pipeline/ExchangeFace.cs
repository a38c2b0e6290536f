using Microsoft.AspNetCore.Http;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Problems;
using Naqil.MessageLog;

namespace Naqil.Gateway.Pipeline;

/// <summary>
/// A face's exchange pipeline with fixed ends and a pluggable middle, as YARP's
/// <c>MapReverseProxy</c> is: <see cref="Begin"/> creates the exchange, the face's ordered steps
/// run until one refuses, and the end answers. The end is the one place that turns a refusal into
/// its answer (problem+json), has it recorded (the log entry and <see cref="ExchangeRefusals"/>),
/// seals the answer (the provider signs it) and writes it only once its log entry is durable.
/// </summary>
internal abstract class ExchangeFace<TExchange>
    where TExchange : ExchangeFeature
{
    private readonly IExchangeStep<TExchange>[] _steps;
    private readonly IExchangeLog _log;
    private readonly ExchangeRefusals _refusals;
    private readonly long _maxBodyBytes;

    protected ExchangeFace(IEnumerable<IExchangeStep<TExchange>> steps, IExchangeLog log, ExchangeRefusals refusals, long maxBodyBytes, TimeProvider time)
    {
        _steps = [.. steps];
        _log = log;
        _refusals = refusals;
        _maxBodyBytes = maxBodyBytes;
        Time = time;
    }

    /// <summary>The steps in the order they run.</summary>
    public IReadOnlyList<IExchangeStep<TExchange>> Steps => _steps;

    protected TimeProvider Time { get; }

    /// <summary>Where a face records a refusal it makes after the steps (the provider's, when it cannot sign).</summary>
    protected ExchangeRefusals Refusals => _refusals;

    public async Task HandleAsync(HttpContext context)
    {
        var exchange = Begin(context, Time.GetUtcNow());
        context.Features.Set<ExchangeFeature>(exchange);
        try
        {
            exchange.Problem = await RunStepsAsync(exchange);
            await EndAsync(exchange);
        }
        finally
        {
            exchange.Release();
        }
    }

    /// <summary>The fixed start: the face's exchange, with what it reads from every request.</summary>
    protected abstract TExchange Begin(HttpContext context, DateTimeOffset received);

    /// <summary>Makes the answer final before it is logged and written (the provider signs it).</summary>
    protected virtual void Seal(TExchange exchange)
    {
    }

    /// <summary>The response signature fields as logged (from the sealed answer).</summary>
    protected abstract (string? Input, string? Signature) ResponseSignature(TExchange exchange);

    /// <summary>
    /// Undoes what an accepted request changed when its log entry could not be made durable, before
    /// it is refused (the events face takes the event out of its outbox): nothing is acknowledged,
    /// or kept, without its evidence.
    /// </summary>
    protected virtual Task WithdrawAsync(TExchange exchange) => Task.CompletedTask;

    /// <summary>Header fields the face adds to an answer it writes, beyond the answer's own.</summary>
    protected virtual void AddHeaders(TExchange exchange, IHeaderDictionary headers)
    {
    }

    private async ValueTask<GatewayProblem?> RunStepsAsync(TExchange exchange)
    {
        try
        {
            foreach (var step in _steps)
            {
                if (await step.InvokeAsync(exchange) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new GatewayProblem(GatewayError.TooLarge, $"the body is larger than {_maxBodyBytes} bytes; the limit is set by Gateway:MaxBodyBytes");
        }
    }

    private async Task EndAsync(TExchange exchange)
    {
        exchange.NaqilId ??= Guid.CreateVersion7(exchange.Received).ToString("D");
        if (exchange.Problem is { } problem)
        {
            _refusals.Refuse(exchange, problem);
        }

        Seal(exchange);
        var answer = exchange.Answer!;
        var durable = await _log.AppendAsync(Entry(exchange), exchange.RequestBody, answer.Body, exchange.Context.RequestAborted);
        if (!durable && exchange.Problem is null)
        {
            // The exchange was carried, but cannot be acknowledged without its evidence.
            await WithdrawAsync(exchange);
            exchange.Problem = new GatewayProblem(GatewayError.LogUnavailable, "the message log could not record this exchange; it was not acknowledged and its answer is withheld");
            _refusals.Refuse(exchange, exchange.Problem.Value);
            Seal(exchange);
        }

        await WriteAsync(exchange);
    }

    private LogEntry Entry(TExchange exchange)
    {
        var answer = exchange.Answer!;
        var refused = exchange.Problem is not null;
        var (responseInput, responseSignature) = ResponseSignature(exchange);
        return new LogEntry
        {
            Side = exchange.Side,
            NaqilId = exchange.NaqilId!,
            Client = LoggedText.From(exchange.Client, refused),
            Service = LoggedText.From(exchange.Service, refused),
            User = LoggedText.FromOptional(exchange.User, refused),
            Purpose = LoggedText.FromOptional(exchange.Purpose, refused),
            Subject = LoggedText.FromOptional(exchange.Subject, refused),
            Method = LoggedText.From(exchange.Context.Request.Method, refused),
            Path = LoggedText.From(exchange.Path, refused, LoggedText.MaxPathLength),
            Status = answer.Status,
            Outcome = exchange.Problem is { } p ? GatewayErrors.Describe(p.Error).Code : "ok",
            Peer = exchange.Peer?.Id,
            RequestDigest = exchange.RequestDigest,
            RequestSignatureInput = exchange.RequestSignatureInput,
            RequestSignature = exchange.RequestSignature,
            ResponseDigest = answer.Headers.GetValueOrDefault("content-digest"),
            ResponseSignatureInput = responseInput,
            ResponseSignature = responseSignature,
            Received = exchange.Received,
            Completed = Time.GetUtcNow(),
        };
    }

    private async Task WriteAsync(TExchange exchange)
    {
        var answer = exchange.Answer!;
        var response = exchange.Context.Response;
        response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers[name] = value;
        }

        AddHeaders(exchange, response.Headers);
        response.ContentLength = answer.Body.Length;
        await response.Body.WriteAsync(answer.Body, exchange.Context.RequestAborted);
    }
}

using Naqil.Gateway.Messages;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Forwarding;

/// <summary>A response read whole, or the refusal that stands in for it.</summary>
internal readonly record struct ForwardResult(HttpResponseMessage? Response, byte[]? Body, GatewayProblem? Problem);

/// <summary>
/// The next hop as its failures are reported: a consumer's call to a provider gateway, or a
/// provider's call to its backend. Distinct codes tell an operator on which side to look.
/// </summary>
internal sealed record ForwardHop(string What, GatewayError Unreachable, GatewayError Timeout)
{
    public static readonly ForwardHop ProviderGateway = new("provider gateway", GatewayError.ProviderUnreachable, GatewayError.ProviderTimeout);

    public static readonly ForwardHop ServiceBackend = new("service backend", GatewayError.BackendUnreachable, GatewayError.BackendTimeout);

    public static readonly ForwardHop SubscriberGateway = new("subscriber's gateway", GatewayError.ProviderUnreachable, GatewayError.ProviderTimeout);

    public static readonly ForwardHop SubscriberBackend = new("subscriber's backend", GatewayError.BackendUnreachable, GatewayError.BackendTimeout);
}

/// <summary>Sends one request and reads the whole response under a deadline and a size limit.</summary>
internal static class Forwarder
{
    /// <summary>
    /// The method as it came: HttpClient's shared instance when it is one of the standard methods
    /// spelled exactly so (no allocation per exchange), else a new one. HttpMethod.Parse alone
    /// would also turn "get" into GET, a change the signature would then cover.
    /// </summary>
    public static HttpMethod Method(string method) => HttpMethod.Parse(method) is { } known && known.Method == method ? known : new HttpMethod(method);

    public static async Task<ForwardResult> SendAsync(HttpMessageInvoker invoker, HttpRequestMessage request, TimeSpan timeout, long maxBody, ForwardHop hop, CancellationToken aborted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(timeout);
        HttpResponseMessage? response = null;
        try
        {
            response = await invoker.SendAsync(request, deadline.Token);
            var body = await Bodies.ReadAsync(await response.Content.ReadAsStreamAsync(deadline.Token), response.Content.Headers.ContentLength, maxBody, deadline.Token);
            if (body is null)
            {
                response.Dispose();
                return new(null, null, new GatewayProblem(GatewayError.ResponseTooLarge, $"the {hop.What}'s response is larger than {maxBody} bytes"));
            }

            return new(response, body, null);
        }
        catch (OperationCanceledException e) when (!aborted.IsCancellationRequested)
        {
            response?.Dispose();

            // SocketsHttpHandler ends a connection (TCP and TLS) not made within its ConnectTimeout
            // with a TimeoutException inside, before this deadline: the peer was not reached, it did
            // not fail to answer.
            return !deadline.IsCancellationRequested && e.InnerException is TimeoutException
                ? new(null, null, new GatewayProblem(hop.Unreachable, $"the {hop.What} could not be reached: no connection within Gateway:ConnectTimeout"))
                : new(null, null, new GatewayProblem(hop.Timeout, $"the {hop.What} did not answer within {timeout.TotalSeconds:F0} s"));
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !aborted.IsCancellationRequested)
        {
            response?.Dispose();
            return new(null, null, new GatewayProblem(hop.Unreachable, $"the {hop.What} could not be reached: {Describe(e)}"));
        }
    }

    private static string Describe(Exception e)
    {
        // Keep the first line of the innermost cause: enough for an operator, no stack traces.
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        var message = e.Message;
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline];
    }
}

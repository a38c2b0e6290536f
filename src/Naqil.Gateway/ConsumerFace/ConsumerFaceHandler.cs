using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;
using Naqil.Identifiers;
using Naqil.MessageLog;
using Naqil.Signatures;

namespace Naqil.Gateway.ConsumerFace;

/// <summary>
/// The consumer face: takes a plain HTTP call from one of the member's information systems,
/// checks who it is and what it asks for, signs it, sends it over mutual TLS to the provider's
/// gateway, verifies the signed answer and hands it back with both halves of the evidence.
/// </summary>
internal sealed class ConsumerFaceHandler
{
    private const int MaxHeaderLength = 256;
    private static readonly string[] PassedRequestHeaders = ["accept", "accept-language"];
    private static readonly string[] RelayedResponseHeaders = ["content-type", "content-digest", "naqil-id", "naqil-error", "signature-input", "signature"];

    private readonly GatewayOptions _options;
    private readonly MemberId _member;
    private readonly TrustState _trust;
    private readonly ExchangeSignatures _signatures;
    private readonly ClientAuthenticator _authenticator;
    private readonly SignedRequestFactory _requests;
    private readonly ProviderGatewayClient _providers;
    private readonly IExchangeLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger<ConsumerFaceHandler> _logger;
    private int _roundRobin;

    public ConsumerFaceHandler(IOptions<GatewayOptions> options, TrustState trust, ExchangeSignatures signatures, ClientAuthenticator authenticator,
        SignedRequestFactory requests, ProviderGatewayClient providers, IExchangeLog log, TimeProvider time, ILogger<ConsumerFaceHandler> logger)
    {
        _options = options.Value;
        _member = MemberId.Parse(_options.Member);
        _trust = trust;
        _signatures = signatures;
        _authenticator = authenticator;
        _requests = requests;
        _providers = providers;
        _log = log;
        _time = time;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var received = _time.GetUtcNow();
        var idHeader = context.Request.Headers[NaqilHeaders.Id];
        string naqilId;
        GatewayProblem? problem;
        if (idHeader.Count == 0)
        {
            // Time-ordered (UUIDv7): the logs index exchanges by id, and ids that arrive in order
            // land on the index's last page instead of a random one, which keeps each commit and
            // each checkpoint to a few pages.
            naqilId = Guid.CreateVersion7(received).ToString("D");
            problem = null;
        }
        else if (Guid.TryParseExact(idHeader.ToString(), "D", out _))
        {
            naqilId = idHeader.ToString();
            problem = null;
        }
        else
        {
            naqilId = Guid.CreateVersion7(received).ToString("D");
            problem = new GatewayProblem(GatewayError.BadHeader, "Naqil-Id must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e, or absent");
        }

        var exchange = new ConsumerExchange();
        try
        {
            problem ??= await ExchangeAsync(context, naqilId, exchange);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            problem = new GatewayProblem(GatewayError.TooLarge, $"the body is larger than {_options.MaxBodyBytes} bytes");
        }

        var durable = await _log.AppendAsync(Entry(context, naqilId, exchange, problem, received), exchange.RequestBody, exchange.ResponseBody, context.RequestAborted);
        if (!durable && problem is null)
        {
            problem = new GatewayProblem(GatewayError.LogUnavailable, "the message log could not record this exchange; the provider's answer is withheld because it cannot be evidenced");
        }

        if (problem is { } refusal)
        {
            Log.ExchangeRefused(_logger, "consumer", GatewayErrors.Describe(refusal.Error).Code, refusal.Detail);
            await refusal.WriteAsync(context, naqilId);
            return;
        }

        await RelayAsync(context, exchange);
    }

    private async Task<GatewayProblem?> ExchangeAsync(HttpContext context, string naqilId, ConsumerExchange exchange)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/";
        if (!ExchangeTarget.TryParse(rawTarget, out var target, out var targetProblem))
        {
            return targetProblem;
        }

        exchange.Service = target.ServiceText;
        exchange.Path = target.Path + target.Query;
        var clientText = request.Headers[NaqilHeaders.Client].ToString();
        exchange.Client = clientText;
        if (clientText.Length == 0)
        {
            return new GatewayProblem(GatewayError.BadIdentifier, "Naqil-Client is missing: name the calling subsystem, as in SY/GOV/MOCT/portal");
        }

        if (!SubsystemId.TryParse(clientText, out var client, out var clientError))
        {
            return new GatewayProblem(GatewayError.BadIdentifier, $"Naqil-Client: {clientError}");
        }

        if (client.Member != _member)
        {
            return new GatewayProblem(GatewayError.UnknownClient, $"client {clientText} belongs to {client.Member}; this gateway serves {_member}");
        }

        if (_authenticator.Authenticate(context, clientText) is { } authError)
        {
            return new GatewayProblem(GatewayError.ClientUnauthenticated, authError);
        }

        if (!_trust.TryGetFresh(out var own))
        {
            return new GatewayProblem(GatewayError.ConfigExpired, "this gateway holds no fresh trust configuration; it refuses exchanges until the registry can be reached");
        }

        if (!own.HasSubsystem(clientText))
        {
            return new GatewayProblem(GatewayError.UnknownClient, $"client {clientText} is not registered in the trust configuration");
        }

        var instance = target.Service.Instance;
        TrustSnapshot? trust;
        switch (_trust.Check(instance, out trust))
        {
            case TrustCheck.NotAllowed:
                return new GatewayProblem(GatewayError.FederationNotAllowed, _trust.IsAllowedByGateway(instance)
                    ? $"{instance} is not a federation partner of {own.Configuration.Instance}: its registry does not list it"
                    : $"this gateway does not allow traffic with {instance}; its operator adds it under Gateway:AllowedPartners once both countries agreed");
            case TrustCheck.Expired:
                return new GatewayProblem(GatewayError.ConfigExpired, $"this gateway holds no fresh trust configuration of {instance}; traffic with {instance} resumes once one is fetched");
        }

        if (!trust!.TryGetService(target.ServiceText, out var service))
        {
            return new GatewayProblem(GatewayError.UnknownService, $"service {target.ServiceText} is not in the trust configuration of {trust.Configuration.Instance}");
        }

        // Sized for all it will hold (three here, the optional covered headers, content-type and
        // -digest, the signature's two) so it is not regrown twice on every exchange.
        var headers = new Dictionary<string, string>(10, StringComparer.Ordinal)
        {
            ["naqil-id"] = naqilId,
            ["naqil-client"] = clientText,
            ["naqil-service"] = target.ServiceText,
        };
        exchange.Headers = headers;
        foreach (var name in NaqilHeaders.OptionalCovered)
        {
            if (!TryCopyHeader(request, name, headers, out var headerProblem))
            {
                return headerProblem;
            }
        }

        if (service.PersonalData && !headers.ContainsKey("naqil-purpose"))
        {
            return new GatewayProblem(GatewayError.PurposeRequired, $"{target.ServiceText} handles personal data: state why in the Naqil-Purpose header, e.g. application-processing");
        }

        if (_log.CheckAvailable() is { } logProblem)
        {
            return logProblem;
        }

        var providers = trust.GatewaysOf(target.Service.Member);
        if (providers.Count == 0)
        {
            return new GatewayProblem(GatewayError.ProviderUnreachable, $"no gateway is registered for {target.Service.Member}");
        }

        var body = await Bodies.ReadAsync(request.Body, request.ContentLength, _options.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return new GatewayProblem(GatewayError.TooLarge, $"the body is larger than {_options.MaxBodyBytes} bytes; the limit is set by Gateway:MaxBodyBytes");
        }

        exchange.RequestBody = body;

        if (request.ContentType is { Length: > 0 } contentType)
        {
            headers["content-type"] = contentType;
        }

        var provider = providers[(int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)providers.Count)];
        var signedRequest = _requests.Create(provider, Forwarder.Method(request.Method), target, headers, body, request.ContentLength is not null);
        using var message = signedRequest.Message;
        exchange.RequestSignature = signedRequest.Signature;
        exchange.Peer = provider.Id;
        foreach (var name in PassedRequestHeaders)
        {
            if (request.Headers.TryGetValue(name, out var value))
            {
                message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
            }
        }

        var result = await Forwarder.SendAsync(_providers.For(provider), message, _options.ResponseTimeout + _options.ConnectTimeout, _options.MaxBodyBytes, ForwardHop.ProviderGateway, context.RequestAborted);
        if (result.Problem is { } sendProblem)
        {
            return sendProblem;
        }

        using var response = result.Response!;
        var responseView = MessageViews.FromIncoming(response);
        var verifyProblem = _signatures.VerifyResponse(responseView, signedRequest.View,
            responseView.GetHeader("signature-input"), responseView.GetHeader("signature"), provider, _options.MaxClockSkew);
        if (verifyProblem is not null)
        {
            return verifyProblem;
        }

        if (!ContentDigest.Verify(responseView.GetHeader("content-digest"), result.Body) || responseView.GetHeader("naqil-id") != naqilId)
        {
            return new GatewayProblem(GatewayError.BadResponseSignature, "the provider's response body or Naqil-Id does not match what its signature covers");
        }

        exchange.Status = (int)response.StatusCode;
        exchange.ResponseBody = result.Body!;
        foreach (var name in RelayedResponseHeaders)
        {
            if (responseView.GetHeader(name) is { } value)
            {
                exchange.ResponseHeaders[name] = value;
            }
        }

        return null;
    }

    private static async Task RelayAsync(HttpContext context, ConsumerExchange exchange)
    {
        var outgoing = context.Response;
        outgoing.StatusCode = exchange.Status;
        foreach (var (name, value) in exchange.ResponseHeaders)
        {
            outgoing.Headers[name] = value;
        }

        outgoing.Headers[NaqilHeaders.RequestSignatureInput] = exchange.RequestSignature!.Value.SignatureInput;
        outgoing.Headers[NaqilHeaders.RequestSignature] = exchange.RequestSignature!.Value.Signature;
        outgoing.ContentLength = exchange.ResponseBody.Length;
        await outgoing.Body.WriteAsync(exchange.ResponseBody, context.RequestAborted);
    }

    private LogEntry Entry(HttpContext context, string naqilId, ConsumerExchange exchange, GatewayProblem? problem, DateTimeOffset received) => new()
    {
        Side = "consumer",
        NaqilId = naqilId,
        Client = exchange.Client ?? context.Request.Headers[NaqilHeaders.Client].ToString(),
        Service = exchange.Service ?? "",
        User = exchange.Headers?.GetValueOrDefault("naqil-user"),
        Purpose = exchange.Headers?.GetValueOrDefault("naqil-purpose"),
        Subject = exchange.Headers?.GetValueOrDefault("naqil-subject"),
        Method = context.Request.Method,
        Path = exchange.Path ?? "",
        Status = problem is { } p ? GatewayErrors.Describe(p.Error).Status : exchange.Status,
        Outcome = problem is { } q ? GatewayErrors.Describe(q.Error).Code : "ok",
        Peer = exchange.Peer,
        RequestDigest = exchange.Headers?.GetValueOrDefault("content-digest"),
        RequestSignatureInput = exchange.RequestSignature?.SignatureInput,
        RequestSignature = exchange.RequestSignature?.Signature,
        ResponseDigest = exchange.ResponseHeaders.GetValueOrDefault("content-digest"),
        ResponseSignatureInput = exchange.ResponseHeaders.GetValueOrDefault("signature-input"),
        ResponseSignature = exchange.ResponseHeaders.GetValueOrDefault("signature"),
        Received = received,
        Completed = _time.GetUtcNow(),
    };

    private static bool TryCopyHeader(HttpRequest request, string name, Dictionary<string, string> headers, [NotNullWhen(false)] out GatewayProblem? problem)
    {
        problem = null;
        var values = request.Headers[name];
        if (values.Count == 0)
        {
            return true;
        }

        var value = values.Count == 1 ? values[0]! : "";
        if (values.Count != 1 || value.Length is 0 or > MaxHeaderLength || !value.All(c => c is >= ' ' and <= '~'))
        {
            // The value may be personal data: say what is wrong with it, never echo it.
            problem = new GatewayProblem(GatewayError.BadHeader, $"{name} must appear once, with 1 to {MaxHeaderLength} printable ASCII characters");
            return false;
        }

        headers[name] = value;
        return true;
    }

    /// <summary>What one exchange learned on its way, for the relayed answer and the log entry.</summary>
    private sealed class ConsumerExchange
    {
        public string? Client { get; set; }

        public string? Service { get; set; }

        public string? Path { get; set; }

        public Dictionary<string, string>? Headers { get; set; }

        public string? Peer { get; set; }

        public SignedFields? RequestSignature { get; set; }

        public byte[] RequestBody { get; set; } = [];

        public int Status { get; set; }

        public Dictionary<string, string> ResponseHeaders { get; } = new(RelayedResponseHeaders.Length, StringComparer.Ordinal);

        public byte[] ResponseBody { get; set; } = [];
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.AccessControl;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;
using Naqil.Identifiers;
using Naqil.MessageLog;
using Naqil.Signatures;
using Naqil.Trust;

namespace Naqil.Gateway.ProviderFace;

/// <summary>
/// The provider face: receives a signed request from another gateway over mutual TLS, and only
/// after the peer, the signature, its freshness, replay and the access rules all pass does it call
/// the backend. Every answer, refusals included, is signed and bound to the request.
/// </summary>
internal sealed class ProviderFaceHandler
{
    private static readonly string[] BackendRequestHeaders = ["content-type", "accept", "accept-language", "naqil-id", "naqil-client", "naqil-service", "naqil-user", "naqil-purpose", "naqil-subject"];

    private readonly GatewayOptions _options;
    private readonly TrustState _trust;
    private readonly ExchangeSignatures _signatures;
    private readonly ReplayCache _replay;
    private readonly IExchangeLog _log;
    private readonly AccessControlList _acl;
    private readonly BackendClient _backend;
    private readonly TimeProvider _time;
    private readonly ILogger<ProviderFaceHandler> _logger;
    private readonly Dictionary<string, string> _backends;

    public ProviderFaceHandler(IOptions<GatewayOptions> options, TrustState trust, ExchangeSignatures signatures, ReplayCache replay, IExchangeLog log, AccessControlList acl,
        BackendClient backend, TimeProvider time, ILogger<ProviderFaceHandler> logger)
    {
        _options = options.Value;
        _trust = trust;
        _signatures = signatures;
        _replay = replay;
        _log = log;
        _acl = acl;
        _backend = backend;
        _time = time;
        _logger = logger;
        _backends = _options.Services.ToDictionary(s => s.Service, s => s.Backend.TrimEnd('/'), StringComparer.Ordinal);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var received = _time.GetUtcNow();
        var incoming = MessageViews.FromIncoming(context.Request);
        var idHeader = context.Request.Headers[NaqilHeaders.Id].ToString();
        var naqilId = Guid.TryParseExact(idHeader, "D", out _) ? idHeader : null;
        var exchange = new ProviderExchange();
        try
        {
            exchange.Problem = await ExchangeAsync(context, incoming, naqilId, exchange);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            exchange.Problem = new GatewayProblem(GatewayError.TooLarge, $"the body is larger than {_options.MaxBodyBytes} bytes");
        }

        var answer = exchange.Problem is { } refusal ? Refusal(refusal, naqilId) : exchange.Answer!;
        var signed = Sign(answer, incoming);
        var entry = Entry(context, incoming, naqilId, exchange, answer, signed, received);
        var durable = await _log.AppendAsync(entry, exchange.RequestBody, answer.Body, context.RequestAborted);
        if (!durable && exchange.Problem is null)
        {
            // The backend answered, but the answer cannot be acknowledged without its evidence.
            answer = Refusal(new GatewayProblem(GatewayError.LogUnavailable, "the message log could not record this exchange; it was not acknowledged"), naqilId);
            signed = Sign(answer, incoming);
        }

        await WriteAsync(context, answer, signed);
    }

    private async Task<GatewayProblem?> ExchangeAsync(HttpContext context, HttpMessageComponents incoming, string? naqilId, ProviderExchange exchange)
    {
        var request = context.Request;
        if (!_trust.TryGetFresh(out var trust))
        {
            return new GatewayProblem(GatewayError.ConfigExpired, "this gateway holds no fresh trust configuration; it refuses exchanges until the registry can be reached");
        }

        var certificate = context.Connection.ClientCertificate;
        if (certificate is null || !_trust.TryFindGatewayByTls(ConnectionThumbprint(context, certificate), out var peerTrust, out var peer))
        {
            Log.UnknownTlsPeer(_logger);
            return new GatewayProblem(GatewayError.UnknownPeer, "the TLS client certificate is not one the trust configuration lists for a gateway");
        }

        // Checked at the handshake, and again here: connections are kept open for as long as the
        // calling gateway uses them, and its certificate may expire under one.
        if (!CertificateValidity.IsCurrent(certificate, _time))
        {
            Log.UnknownTlsPeer(_logger);
            return new GatewayProblem(GatewayError.UnknownPeer, "the TLS client certificate has expired (or is not yet valid); the calling gateway must connect again with its current certificate");
        }

        exchange.Peer = peer.Id;
        if (peer.Member.Instance != trust.Configuration.Instance)
        {
            switch (_trust.Check(peer.Member.Instance, out var partnerTrust))
            {
                case TrustCheck.NotAllowed:
                    return new GatewayProblem(GatewayError.FederationNotAllowed, $"this gateway does not accept traffic from {peer.Member.Instance}: its registry or its own configuration (Gateway:AllowedPartners) does not allow that partner");
                case TrustCheck.Expired:
                    return new GatewayProblem(GatewayError.ConfigExpired, $"this gateway holds no fresh trust configuration of {peer.Member.Instance}; traffic with {peer.Member.Instance} resumes once one is fetched");
            }

            peerTrust = partnerTrust!;
        }
        if (_log.CheckAvailable() is { } logProblem)
        {
            return logProblem;
        }

        if (naqilId is null)
        {
            return new GatewayProblem(GatewayError.BadHeader, "Naqil-Id must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e");
        }

        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/";
        if (!ExchangeTarget.TryParse(rawTarget, out var target, out var targetProblem))
        {
            return targetProblem;
        }

        if (!_backends.TryGetValue(target.ServiceText, out var backendBase) || !trust.TryGetService(target.ServiceText, out var service))
        {
            return new GatewayProblem(GatewayError.UnknownService, $"service {target.ServiceText} is not provided through this gateway");
        }

        var clientText = request.Headers[NaqilHeaders.Client].ToString();
        if (!SubsystemId.TryParse(clientText, out var client, out var clientError))
        {
            return new GatewayProblem(GatewayError.BadIdentifier, $"Naqil-Client: {clientError}");
        }

        if (client.Member != peer.Member || !peerTrust.HasSubsystem(clientText))
        {
            return new GatewayProblem(GatewayError.UnknownClient, $"client {clientText} is not a registered subsystem of {peer.Member}, the member whose gateway connected");
        }

        if (request.Headers[NaqilHeaders.Service].ToString() != target.ServiceText)
        {
            return new GatewayProblem(GatewayError.BadHeader, "Naqil-Service does not name the service in the path");
        }

        var body = await Bodies.ReadAsync(request.Body, request.ContentLength, _options.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return new GatewayProblem(GatewayError.TooLarge, $"the body is larger than {_options.MaxBodyBytes} bytes");
        }

        exchange.RequestBody = body;

        var signatureProblem = _signatures.VerifyRequest(incoming, request.Headers[NaqilHeaders.SignatureInput], request.Headers[NaqilHeaders.Signature], peerTrust, peer, _options.MaxClockSkew, out var signature);
        if (signatureProblem is not null)
        {
            return signatureProblem;
        }

        if (!ContentDigest.Verify(incoming.GetHeader("content-digest"), body))
        {
            return new GatewayProblem(GatewayError.BadSignature, "the body does not match its signed Content-Digest: it was altered on the way");
        }

        var rememberUntil = DateTimeOffset.FromUnixTimeSeconds(signature!.Parameters.Created!.Value) + _options.MaxClockSkew;
        switch (_replay.TryRegister(peer.SigningThumbprint, naqilId, rememberUntil, _time.GetUtcNow()))
        {
            case ReplayCheck.Replayed:
                return new GatewayProblem(GatewayError.Replayed, $"exchange {naqilId} was already received; send a new Naqil-Id for a new exchange");
            case ReplayCheck.Full:
                return new GatewayProblem(GatewayError.Overloaded, "the replay cache is full; retry shortly");
        }

        if (!_acl.IsAllowed(target.ServiceText, clientText, request.Method, target.Path))
        {
            return new GatewayProblem(GatewayError.AccessDenied, $"client {clientText} may not call {request.Method} {target.Path} on {target.ServiceText}; ask the provider to add an access rule");
        }

        if (service.PersonalData && string.IsNullOrEmpty(incoming.GetHeader("naqil-purpose")))
        {
            return new GatewayProblem(GatewayError.PurposeRequired, $"{target.ServiceText} handles personal data: state why in Naqil-Purpose");
        }

        using var backendRequest = new HttpRequestMessage(Forwarder.Method(request.Method), backendBase + target.Path + target.Query);
        if (body.Length > 0 || request.ContentLength is not null)
        {
            backendRequest.Content = new ByteArrayContent(body);
        }

        foreach (var name in BackendRequestHeaders)
        {
            if (incoming.GetHeader(name) is { } value)
            {
                if (!backendRequest.Headers.TryAddWithoutValidation(name, value))
                {
                    backendRequest.Content?.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }

        var result = await Forwarder.SendAsync(_backend.Invoker, backendRequest, _options.ResponseTimeout, _options.MaxBodyBytes, ForwardHop.ServiceBackend, context.RequestAborted);
        if (result.Problem is { } backendProblem)
        {
            return backendProblem;
        }

        using var response = result.Response!;
        var headers = new Dictionary<string, string>(3, StringComparer.Ordinal) { ["naqil-id"] = naqilId }; // and content-type, content-digest
        if (response.Content.Headers.ContentType is { } contentType)
        {
            headers["content-type"] = contentType.ToString();
        }

        exchange.Answer = new Answer((int)response.StatusCode, headers, result.Body!);
        return null;
    }

    /// <summary>The TLS client certificate's thumbprint, computed once per connection rather than per exchange.</summary>
    private static string ConnectionThumbprint(HttpContext context, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        const string key = "naqil.peer-thumbprint";
        var items = context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items;
        if (items?.TryGetValue(key, out var cached) == true && cached is string thumbprint)
        {
            return thumbprint;
        }

        thumbprint = SignedTrustConfiguration.Thumbprint(certificate);
        if (items is not null)
        {
            items[key] = thumbprint;
        }

        return thumbprint;
    }

    private static Answer Refusal(GatewayProblem problem, string? naqilId)
    {
        var info = GatewayErrors.Describe(problem.Error);
        Dictionary<string, string> headers = new(StringComparer.Ordinal)
        {
            ["content-type"] = "application/problem+json",
            ["naqil-error"] = info.Code,
            ["naqil-id"] = naqilId ?? Guid.NewGuid().ToString("D"),
        };
        return new Answer(info.Status, headers, problem.ToJson(naqilId));
    }

    private SignedFields Sign(Answer answer, HttpMessageComponents request)
    {
        answer.Headers["content-digest"] = ContentDigest.Compute(answer.Body);
        return _signatures.SignResponse(MessageViews.FromOutgoingResponse(answer.Status, answer.Headers), answer.Headers, request);
    }

    private LogEntry Entry(HttpContext context, HttpMessageComponents incoming, string? naqilId, ProviderExchange exchange, Answer answer, SignedFields signed, DateTimeOffset received)
    {
        var (path, query) = MessageViews.SplitTarget(context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/");
        if (exchange.Problem is { } problem)
        {
            Log.ExchangeRefused(_logger, "provider", GatewayErrors.Describe(problem.Error).Code, problem.Detail);
        }

        return new LogEntry
        {
            Side = "provider",
            NaqilId = naqilId ?? answer.Headers["naqil-id"],
            Client = incoming.GetHeader("naqil-client") ?? "",
            Service = incoming.GetHeader("naqil-service") ?? "",
            User = incoming.GetHeader("naqil-user"),
            Purpose = incoming.GetHeader("naqil-purpose"),
            Subject = incoming.GetHeader("naqil-subject"),
            Method = context.Request.Method,
            Path = query == "?" ? path : path + query,
            Status = answer.Status,
            Outcome = exchange.Problem is { } p ? GatewayErrors.Describe(p.Error).Code : "ok",
            Peer = exchange.Peer,
            RequestDigest = incoming.GetHeader("content-digest"),
            RequestSignatureInput = incoming.GetHeader("signature-input"),
            RequestSignature = incoming.GetHeader("signature"),
            ResponseDigest = answer.Headers["content-digest"],
            ResponseSignatureInput = signed.SignatureInput,
            ResponseSignature = signed.Signature,
            Received = received,
            Completed = _time.GetUtcNow(),
        };
    }

    private static async Task WriteAsync(HttpContext context, Answer answer, SignedFields signed)
    {
        var response = context.Response;
        response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers[name] = value;
        }

        response.Headers[NaqilHeaders.SignatureInput] = signed.SignatureInput;
        response.Headers[NaqilHeaders.Signature] = signed.Signature;
        response.ContentLength = answer.Body.Length;
        await response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }

    /// <summary>What the provider face answers: status, the headers its signature covers, and the body.</summary>
    private sealed record Answer(int Status, Dictionary<string, string> Headers, byte[] Body);

    /// <summary>What one exchange learned on its way, for the answer and the log entry.</summary>
    private sealed class ProviderExchange
    {
        public GatewayProblem? Problem { get; set; }

        public Answer? Answer { get; set; }

        public string? Peer { get; set; }

        public byte[] RequestBody { get; set; } = [];
    }
}

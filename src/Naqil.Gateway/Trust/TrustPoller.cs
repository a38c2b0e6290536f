using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.Messages;
using Naqil.Gateway.Signing;
using Naqil.Identifiers;
using Naqil.Trust;

namespace Naqil.Gateway.Trust;

/// <summary>
/// Keeps the trust configuration current: polls the registry with conditional GETs, verifies each
/// document against the anchor, refuses rollback and foreign content, and keeps the last good
/// document on disk so a restarted gateway can serve until that document expires.
/// </summary>
internal sealed class TrustPoller : BackgroundService
{
    private const string SavedPayloadFile = "trust-config.json";

    private readonly GatewayOptions _options;
    private readonly TrustState _state;
    private readonly ProviderGatewayClient _providers;
    private readonly TimeProvider _time;
    private readonly ILogger<TrustPoller> _logger;
    private readonly HttpClient _http;
    private readonly X509Certificate2 _anchor;
    private readonly MemberId _member;
    private readonly string _instance;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly Source _own = new();
    private readonly ConcurrentDictionary<string, Source> _partnerSources = new(StringComparer.Ordinal);

    public TrustPoller(IOptions<GatewayOptions> options, TrustState state, ProviderGatewayClient providers, TimeProvider time, ILogger<TrustPoller> logger)
    {
        _options = options.Value;
        _state = state;
        _providers = providers;
        _time = time;
        _logger = logger;
        _anchor = X509CertificateLoader.LoadCertificate(PemFiles.ReadCertificateDer(_options.AnchorFile));
        _member = MemberId.Parse(_options.Member);
        _instance = _member.Instance;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = _options.ConnectTimeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = _options.ResponseTimeout,
        };
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        LoadSaved();
        // A first fetch before the faces open, so a fresh gateway serves at once when the registry is up.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.TrustPollInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Fetches the own configuration, then each allowed partner's, once. Returns true when a new
    /// own configuration was adopted.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            var adopted = false;
            if (await FetchAsync(_options.TrustConfigurationUrl, _own, _state.Current is not null, cancellationToken) is { } own)
            {
                if (IsHeld(_state.Current, own.Payload))
                {
                    // The document already held (after a restart, fetched without its ETag): the normal state, not a refusal.
                    _own.ETag = own.ETag;
                    Log.TrustUnchanged(_logger, _instance, _state.Current!.Serial);
                }
                else if (TryAccept(own.Payload, own.Jws, out var error))
                {
                    adopted = true;
                    _own.ETag = own.ETag;
                    Save(SavedPayloadFile, own.Payload, own.Jws!);
                }
                else
                {
                    Log.TrustRejected(_logger, error);
                }
            }

            // Connection pools follow the gateways listed; rebuild that set only when a document changed.
            if (await RefreshPartnersAsync(cancellationToken) | adopted)
            {
                _providers.Retain(_state.AllGateways());
            }

            return adopted;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>Fetches each allowed partner's configuration; true when any was adopted.</summary>
    private async Task<bool> RefreshPartnersAsync(CancellationToken cancellationToken)
    {
        var adopted = false;
        if (_state.Current is not { } own)
        {
            return adopted;
        }

        foreach (var partner in _state.AllowedPartners(own))
        {
            var source = _partnerSources.GetOrAdd(partner.Instance, _ => new Source());
            var held = _state.Partners.ContainsKey(partner.Instance);
            if (await FetchAsync(partner.ConfigUrl, source, held, cancellationToken) is not { } fetched)
            {
                continue;
            }

            if (IsHeld(_state.Partners.GetValueOrDefault(partner.Instance), fetched.Payload))
            {
                source.ETag = fetched.ETag;
                Log.TrustUnchanged(_logger, partner.Instance, _state.Partners[partner.Instance].Serial);
                continue;
            }

            if (TryAcceptPartner(partner, fetched.Payload, fetched.Jws, out var error))
            {
                source.ETag = fetched.ETag;
                adopted = true;
                Save(PartnerFile(partner.Instance), fetched.Payload, fetched.Jws!);
            }
            else
            {
                Log.TrustRejected(_logger, $"partner {partner.Instance}: {error}");
            }
        }

        return adopted;
    }

    private async Task<Fetched?> FetchAsync(string url, Source source, bool conditional, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (conditional && source.ETag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", source.ETag);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                Log.TrustFetchFailed(_logger, url, $"HTTP {(int)response.StatusCode}");
                return null;
            }

            // Read under the bound, unverified bytes costing memory only as they arrive.
            var limit = _options.MaxTrustConfigurationBytes;
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            if (await Bodies.ReadAsync(body, response.Content.Headers.ContentLength, limit, cancellationToken) is not { } payload)
            {
                Log.TrustFetchFailed(_logger, url, $"the answer is larger than {limit} bytes (Gateway:MaxTrustConfigurationBytes); it was not read further");
                return null;
            }

            var jws = response.Headers.TryGetValues(SignedTrustConfiguration.SignatureHeader, out var values) ? values.FirstOrDefault() : null;
            return new Fetched(payload, jws, response.Headers.ETag?.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            Log.TrustFetchFailed(_logger, url, e.Message);
            return null;
        }
    }

    private bool TryAcceptPartner(PartnerEntry partner, byte[] payload, string? jws, out string error)
    {
        X509Certificate2 anchor;
        try
        {
            anchor = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(partner.Anchor));
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            error = "the registry's anchor for this partner is not a base64 DER certificate";
            return false;
        }

        using (anchor)
        {
            if (!TrustSnapshot.TryVerifyAndIndex(payload, jws, anchor, partner.Instance, _state.Partners.GetValueOrDefault(partner.Instance), out var snapshot, out var refused))
            {
                error = refused;
                return false;
            }

            if (!_state.TryAdoptPartner(snapshot, out var reason))
            {
                error = reason;
                return false;
            }

            Log.PartnerTrustAdopted(_logger, partner.Instance, snapshot.Serial, snapshot.Expires);
            error = "";
            return true;
        }
    }

    private bool TryAccept(byte[] payload, string? jws, out string error)
    {
        if (!TrustSnapshot.TryVerifyAndIndex(payload, jws, _anchor, _instance, _state.Current, out var snapshot, out var refused))
        {
            error = refused;
            return false;
        }

        if (!_state.TryAdopt(snapshot, out var reason))
        {
            error = reason;
            return false;
        }

        Log.TrustAdopted(_logger, snapshot.Serial, snapshot.Expires);
        WarnUnlessListed(snapshot);
        error = "";
        return true;
    }

    /// <summary>Exactly the document held: same bytes, so already verified and adopted (a lower or equal serial with other content is still refused).</summary>
    private static bool IsHeld(TrustSnapshot? held, byte[] payload) => held is not null && held.Signed.Payload.AsSpan().SequenceEqual(payload);

    /// <summary>A gateway its registry does not list is refused by every peer: say so at each adoption, naming the key to check.</summary>
    private void WarnUnlessListed(TrustSnapshot snapshot)
    {
        var listed = snapshot.GatewaysOf(_member);
        if (!listed.Any(g => g.Code == _options.Code))
        {
            Log.GatewayNotListed(_logger, snapshot.Serial, $"{_member}/{_options.Code}",
                listed.Count == 0 ? "none" : string.Join(", ", listed.Select(g => g.Code)));
        }
    }

    /// <summary>
    /// The configurations saved by the last run, each verified again as if just fetched: the own
    /// instance's against the anchor, then each allowed partner's against that partner's anchor in
    /// the own configuration. Each serves until it expires, so a restarted gateway carries traffic
    /// while a registry (at home or across the border) is down, and fails closed after.
    /// </summary>
    private void LoadSaved()
    {
        if (ReadSaved(SavedPayloadFile) is { } own && !TryAccept(own.Payload, own.Jws, out var error))
        {
            Log.TrustRejected(_logger, $"saved configuration not used: {error}");
        }

        if (_state.Current is not { } current)
        {
            return;
        }

        foreach (var partner in _state.AllowedPartners(current))
        {
            if (ReadSaved(PartnerFile(partner.Instance)) is { } saved && !TryAcceptPartner(partner, saved.Payload, saved.Jws, out var refused))
            {
                Log.TrustRejected(_logger, $"saved configuration of partner {partner.Instance} not used: {refused}");
            }
        }
    }

    /// <summary>The file a partner's configuration is saved in; instance codes are identifier segments, safe as file names.</summary>
    private static string PartnerFile(string instance) => $"trust-config-{instance}.json";

    private (byte[] Payload, string Jws)? ReadSaved(string payloadFile)
    {
        var payloadPath = Path.Combine(_options.DataDirectory, payloadFile);
        var signaturePath = Path.ChangeExtension(payloadPath, ".jws");
        return File.Exists(payloadPath) && File.Exists(signaturePath) ? (File.ReadAllBytes(payloadPath), File.ReadAllText(signaturePath)) : null;
    }

    /// <summary>Saves a verified document and its signature; the payload lands last, by rename, so a crash leaves the old pair or the new one.</summary>
    private void Save(string payloadFile, byte[] payload, string jws)
    {
        Directory.CreateDirectory(_options.DataDirectory);
        var payloadPath = Path.Combine(_options.DataDirectory, payloadFile);
        File.WriteAllBytes(payloadPath + ".tmp", payload);
        File.WriteAllText(Path.ChangeExtension(payloadPath, ".jws"), jws);
        File.Move(payloadPath + ".tmp", payloadPath, overwrite: true);
    }

    public override void Dispose()
    {
        _http.Dispose();
        _anchor.Dispose();
        _refreshGate.Dispose();
        base.Dispose();
    }

    private sealed class Source
    {
        public string? ETag { get; set; }
    }

    private sealed record Fetched(byte[] Payload, string? Jws, string? ETag);
}

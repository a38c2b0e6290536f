using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Forwarding;
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
    private const string SavedSignatureFile = "trust-config.jws";

    private readonly GatewayOptions _options;
    private readonly TrustState _state;
    private readonly ProviderGatewayClient _providers;
    private readonly TimeProvider _time;
    private readonly ILogger<TrustPoller> _logger;
    private readonly HttpClient _http;
    private readonly X509Certificate2 _anchor;
    private readonly string _instance;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private string? _etag;

    public TrustPoller(IOptions<GatewayOptions> options, TrustState state, ProviderGatewayClient providers, TimeProvider time, ILogger<TrustPoller> logger)
    {
        _options = options.Value;
        _state = state;
        _providers = providers;
        _time = time;
        _logger = logger;
        _anchor = X509CertificateLoader.LoadCertificate(PemFiles.ReadCertificateDer(_options.AnchorFile));
        _instance = MemberId.Parse(_options.Member).Instance;
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

    /// <summary>Fetches the configuration once; returns true when a new one was adopted.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _options.TrustConfigurationUrl);
            if (_etag is not null && _state.Current is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", _etag);
            }

            using var response = await _http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return false;
            }

            if (!response.IsSuccessStatusCode)
            {
                Log.TrustFetchFailed(_logger, _options.TrustConfigurationUrl, $"HTTP {(int)response.StatusCode}");
                return false;
            }

            var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var jws = response.Headers.TryGetValues(SignedTrustConfiguration.SignatureHeader, out var values) ? values.FirstOrDefault() : null;
            if (!TryAccept(payload, jws, out var error))
            {
                Log.TrustRejected(_logger, error);
                return false;
            }

            _etag = response.Headers.ETag?.ToString();
            Save(payload, jws!);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.TrustFetchFailed(_logger, _options.TrustConfigurationUrl, e.Message);
            return false;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private bool TryAccept(byte[] payload, string? jws, out string error)
    {
        if (!SignedTrustConfiguration.TryVerify(payload, jws, _anchor, out var signed, out var verifyError))
        {
            error = verifyError;
            return false;
        }

        if (signed.Configuration.Instance != _instance)
        {
            error = $"the configuration is for instance {signed.Configuration.Instance}, not {_instance}";
            return false;
        }

        if (!TrustSnapshot.TryCreate(signed, out var snapshot, out var indexError))
        {
            error = $"the configuration was refused whole: {indexError}";
            return false;
        }

        if (!_state.TryAdopt(snapshot, out var reason))
        {
            error = reason;
            return false;
        }

        _providers.Retain(snapshot.AllGateways);
        Log.TrustAdopted(_logger, snapshot.Serial, snapshot.Expires);
        error = "";
        return true;
    }

    private void LoadSaved()
    {
        var payloadPath = Path.Combine(_options.DataDirectory, SavedPayloadFile);
        var signaturePath = Path.Combine(_options.DataDirectory, SavedSignatureFile);
        if (File.Exists(payloadPath) && File.Exists(signaturePath) && !TryAccept(File.ReadAllBytes(payloadPath), File.ReadAllText(signaturePath), out var error))
        {
            Log.TrustRejected(_logger, $"saved configuration not used: {error}");
        }
    }

    private void Save(byte[] payload, string jws)
    {
        Directory.CreateDirectory(_options.DataDirectory);
        var payloadPath = Path.Combine(_options.DataDirectory, SavedPayloadFile);
        File.WriteAllBytes(payloadPath + ".tmp", payload);
        File.WriteAllText(Path.Combine(_options.DataDirectory, SavedSignatureFile), jws);
        File.Move(payloadPath + ".tmp", payloadPath, overwrite: true);
    }

    public override void Dispose()
    {
        _http.Dispose();
        _anchor.Dispose();
        _refreshGate.Dispose();
        base.Dispose();
    }
}

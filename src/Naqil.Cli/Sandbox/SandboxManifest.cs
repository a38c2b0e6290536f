using System.Text.Json;

namespace Naqil.Cli.Sandbox;

/// <summary>
/// <c>.naqil/sandbox.json</c>: every endpoint of the running sandbox, for people and for scripts.
/// </summary>
internal sealed record SandboxManifest
{
    public const string FileName = "sandbox.json";

    /// <summary>The first instance's registry.</summary>
    public required string Registry { get; init; }

    public required IReadOnlyDictionary<string, InstanceEndpoints> Instances { get; init; }

    /// <summary>Per member id: its gateway's faces.</summary>
    public required IReadOnlyDictionary<string, GatewayEndpointsManifest> Gateways { get; init; }

    public required IReadOnlyDictionary<string, string> Backends { get; init; }

    /// <summary>A ready curl command that fetches a person through both gateways.</summary>
    public required string Example { get; init; }

    /// <summary>Every ready call, each runnable as printed: the domestic one first, then the cross-border one.</summary>
    public required IReadOnlyList<SandboxExample> Examples { get; init; }

    /// <summary>Per instance: its PKI's root certificate file, and each CA's certificate, CRL and OCSP addresses (docs/pki.md).</summary>
    public required IReadOnlyDictionary<string, PkiManifest> Pki { get; init; }

    /// <summary>Where the keys that sign are: <c>files</c>, or <c>pkcs11</c> with the token and how to reach it (docs/keys.md).</summary>
    public required KeysManifest Keys { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Write(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json));
}

internal sealed record InstanceEndpoints(string Registry, string TrustConfiguration, string Anchor, string AdminTokenFile);

/// <summary>A ready call in <c>sandbox.json</c>: a stable name, what it shows, and the command, runnable as printed.</summary>
internal sealed record SandboxExample(string Name, string Description, string Command);

internal sealed record GatewayEndpointsManifest(string Consumer, string Provider, string AdminTokenFile, string ConfigFile);

/// <summary>
/// The sandbox's keys in <c>sandbox.json</c>: <c>provider</c> <c>files</c> or <c>pkcs11</c>; for a token,
/// its label, the module the signing keys are reached through, the SoftHSM2 configuration file and
/// the user PIN's file, so <c>naqil keys list</c> can be pointed at it.
/// </summary>
internal sealed record KeysManifest(string Provider, string? Token = null, string? Module = null, string? SoftHsmConfiguration = null, string? PinFile = null);

using System.Buffers.Binary;
using System.Security.Cryptography;
using Naqil.Gateway.Configuration;
using Naqil.MessageLog;

namespace Naqil.Gateway.MessageLog;

/// <summary>What the log keeps of an exchange's bodies.</summary>
internal enum BodyPolicy
{
    /// <summary>Nothing beyond the entry (whose digests still identify the bodies).</summary>
    None,

    /// <summary>The lengths of the request and response bodies.</summary>
    Metadata,

    /// <summary>The bodies themselves, encrypted with AES-256-GCM.</summary>
    Full,
}

/// <summary>
/// Chooses the body policy of an exchange and seals bodies for storage. Under <c>full</c> the
/// request and response are sealed together with AES-256-GCM: plaintext = request length (8-byte
/// big-endian), request, response; a random 96-bit nonce per entry; associated data =
/// <c>naqil-body-v1</c> and the entry's index (8-byte big-endian), so sealed bodies moved to
/// another entry no longer open. The key lives in a file outside the database, created with mode
/// 0600 when absent; it is never logged.
/// </summary>
internal sealed class BodyVault
{
    private const int KeyLength = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    private readonly Dictionary<string, BodyPolicy> _rules = new(StringComparer.Ordinal);
    private readonly BodyPolicy _default;
    private readonly Lazy<byte[]> _key;

    public BodyVault(MessageLogOptions options, string keyFile)
    {
        _default = Parse(options.DefaultBodyPolicy);
        foreach (var rule in options.BodyPolicies)
        {
            _rules[rule.Subsystem] = Parse(rule.Policy);
        }

        _key = new Lazy<byte[]>(() => LoadOrCreateKey(keyFile));
        if (_default == BodyPolicy.Full || _rules.ContainsValue(BodyPolicy.Full))
        {
            // Fail at start, not on the first exchange, when the key file is unusable.
            _ = _key.Value;
        }
    }

    /// <summary>
    /// The policy for an entry: the rule for its client subsystem or its service's subsystem,
    /// the one that keeps more when both have one (neither party loses evidence it asked for),
    /// else the default.
    /// </summary>
    public BodyPolicy PolicyFor(LogEntry entry)
    {
        var found = false;
        var policy = BodyPolicy.None;
        if (_rules.TryGetValue(entry.Client, out var client))
        {
            found = true;
            policy = client;
        }

        var cut = entry.Service.LastIndexOf('/');
        if (cut > 0 && _rules.TryGetValue(entry.Service[..cut], out var service))
        {
            policy = found && policy > service ? policy : service;
            found = true;
        }

        return found ? policy : _default;
    }

    /// <summary>What to store for an entry at <paramref name="index"/> under <paramref name="policy"/>; null for none.</summary>
    public StoredBodies? Seal(BodyPolicy policy, long index, ReadOnlySpan<byte> request, ReadOnlySpan<byte> response)
    {
        switch (policy)
        {
            case BodyPolicy.None:
                return null;
            case BodyPolicy.Metadata:
                return new StoredBodies(request.Length, response.Length, null, null, Purged: false);
        }

        var plaintext = new byte[8 + request.Length + response.Length];
        BinaryPrimitives.WriteInt64BigEndian(plaintext, request.Length);
        request.CopyTo(plaintext.AsSpan(8));
        response.CopyTo(plaintext.AsSpan(8 + request.Length));
        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var sealedBytes = new byte[plaintext.Length + TagLength];
        using (var aes = new AesGcm(_key.Value, TagLength))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), AssociatedData(index));
        }

        CryptographicOperations.ZeroMemory(plaintext);
        return new StoredBodies(request.Length, response.Length, nonce, sealedBytes, Purged: false);
    }

    /// <summary>Opens sealed bodies of the entry at <paramref name="index"/>; false when purged, absent or not authentic.</summary>
    public bool TryOpen(long index, StoredBodies? bodies, out byte[] request, out byte[] response)
    {
        request = [];
        response = [];
        if (bodies is not { Nonce: { Length: NonceLength } nonce, Ciphertext: { Length: >= 8 + TagLength } sealedBytes })
        {
            return false;
        }

        var plaintext = new byte[sealedBytes.Length - TagLength];
        try
        {
            using var aes = new AesGcm(_key.Value, TagLength);
            aes.Decrypt(nonce, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), plaintext, AssociatedData(index));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        var requestLength = BinaryPrimitives.ReadInt64BigEndian(plaintext);
        if (requestLength < 0 || requestLength > plaintext.Length - 8)
        {
            return false;
        }

        request = plaintext.AsSpan(8, (int)requestLength).ToArray();
        response = plaintext.AsSpan(8 + (int)requestLength).ToArray();
        return true;
    }

    public static BodyPolicy Parse(string policy) => policy switch
    {
        "full" => BodyPolicy.Full,
        "metadata" => BodyPolicy.Metadata,
        "none" => BodyPolicy.None,
        _ => throw new ArgumentException($"'{policy}' is not a body policy; use full, metadata or none", nameof(policy)),
    };

    private static byte[] AssociatedData(long index)
    {
        var data = new byte[13 + 8];
        "naqil-body-v1"u8.CopyTo(data);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(13), index);
        return data;
    }

    private static byte[] LoadOrCreateKey(string keyFile)
    {
        if (!File.Exists(keyFile))
        {
            var fresh = RandomNumberGenerator.GetBytes(KeyLength);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var stream = new FileStream(keyFile, options);
                stream.Write(fresh);
                stream.Flush(flushToDisk: true);
                return fresh;
            }
            catch (IOException) when (File.Exists(keyFile))
            {
                // Another process created it first: use theirs.
            }
        }

        var key = File.ReadAllBytes(keyFile);
        if (key.Length != KeyLength)
        {
            throw new InvalidOperationException($"Gateway:MessageLog:BodyKeyFile {keyFile} holds {key.Length} bytes, not a {KeyLength}-byte AES-256 key; restore the right file (bodies sealed with another key cannot be opened)");
        }

        return key;
    }
}

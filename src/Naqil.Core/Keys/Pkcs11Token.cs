using System.Collections.Concurrent;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Naqil.Keys;

/// <summary>
/// A logged-in token: its slot, a pool of sessions reused across signatures (one signature per
/// session at a time, as PKCS#11 requires), and the handles of the keys found in it. Shared by
/// every key of the process that names the same module, token and PIN. When a call fails the
/// token is marked broken: its sessions are dropped, the module is reset, and for
/// <see cref="RetryAfter"/> every signature is refused at once with <c>signing-unavailable</c>;
/// after that the next signature reconnects (find the slot, log in, find the key, check it is
/// still the same key) and, if the token is back, carries on.
/// </summary>
internal sealed class Pkcs11Token
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMilliseconds(500);

    private static readonly ConcurrentDictionary<string, Pkcs11Token> Tokens = new(StringComparer.Ordinal);

    private readonly Pkcs11Module _module;
    private readonly Pkcs11Uri _where;
    private readonly object _connecting = new();
    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly ConcurrentDictionary<string, IObjectHandle> _keys = new(StringComparer.Ordinal);
    private ISlot? _slot;
    private volatile int _generation = -1;
    private int _connections;
    private long _brokenUntil;
    private string? _brokenReason;
    private volatile bool _resetWanted;
    private int _resetGeneration;

    private Pkcs11Token(Pkcs11Uri where)
    {
        _where = where;
        _module = Pkcs11Module.For(where.ModulePath);
    }

    /// <summary>The token <paramref name="uri"/> names; one per module, token and PIN source in the process.</summary>
    public static Pkcs11Token For(Pkcs11Uri uri)
    {
        var where = uri with { Object = null, Id = null };
        return Tokens.GetOrAdd(where.ToString() + "|" + where.PinValue, _ => new Pkcs11Token(where));
    }

    /// <summary>Goes up by one at each (re)connection: keys check their first signature after each that it is still their key.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public string Description => _where.Token is { } label ? $"token '{label}' of {_where.ModulePath}" : $"slot {_where.SlotId} of {_where.ModulePath}";

    /// <summary>Signs <paramref name="hash"/> with the private key <paramref name="key"/> names: CKM_ECDSA, r‖s.</summary>
    public byte[] SignHash(Pkcs11Uri key, ReadOnlySpan<byte> hash)
    {
        var data = hash.ToArray();
        return Use(session =>
        {
            var handle = Key(session, key, CKO.CKO_PRIVATE_KEY);
            using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
            return session.Sign(mechanism, handle, data);
        });
    }

    /// <summary>The uncompressed public point (04‖X‖Y) of the key <paramref name="key"/> names, from its public key object.</summary>
    public byte[] PublicPoint(Pkcs11Uri key) => Use(session =>
    {
        var handle = Key(session, key, CKO.CKO_PUBLIC_KEY);
        var attributes = session.GetAttributeValue(handle, [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
        if (!attributes[0].GetValueAsByteArray().AsSpan().SequenceEqual(Pkcs11Keys.P256Parameters))
        {
            throw new NotSupportedException($"the key {key} is not on curve P-256, the only curve Naqil signs with");
        }

        return Pkcs11Keys.DecodePoint(attributes[1].GetValueAsByteArray());
    });

    /// <summary>Runs <paramref name="action"/> on a logged-in session of this token; token failures become <see cref="SigningUnavailableException"/>.</summary>
    public T Use<T>(Func<ISession, T> action)
    {
        if (_resetWanted)
        {
            int? reset = null;
            lock (_connecting)
            {
                if (_resetWanted)
                {
                    _resetWanted = false;
                    reset = _resetGeneration;
                }
            }

            // Outside the connecting lock: the reset waits for every call in the module to end, and
            // a call in this token's module may itself be waiting for that lock to rent a session.
            // A no-op when another token of the module reset it since this one failed.
            if (reset is { } generation)
            {
                _module.Reset(generation);
            }
        }

        return _module.Use((library, generation) =>
        {
            var session = Rent(library, generation);
            try
            {
                var result = action(session);
                _idle.Add(session);
                return result;
            }
            catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or ObjectDisposedException)
            {
                Broken(session, e, generation);
                throw new SigningUnavailableException($"the {Description} failed: {Describe(e)}; signing is refused until it answers again", e);
            }
            catch
            {
                _idle.Add(session);
                throw;
            }
        });
    }

    private ISession Rent(IPkcs11Library library, int generation)
    {
        if (_generation == generation && _idle.TryTake(out var idle))
        {
            return idle;
        }

        lock (_connecting)
        {
            if (_generation != generation)
            {
                Connect(library, generation);
            }

            if (_idle.TryTake(out idle))
            {
                return idle;
            }

            try
            {
                return _slot!.OpenSession(SessionType.ReadWrite);
            }
            catch (Pkcs11Exception e)
            {
                Broken(null, e, generation);
                throw new SigningUnavailableException($"the {Description} opens no session: {Describe(e)}", e);
            }
        }
    }

    private void Connect(IPkcs11Library library, int generation)
    {
        if (Environment.TickCount64 < Volatile.Read(ref _brokenUntil))
        {
            throw new SigningUnavailableException($"the {Description} failed ({_brokenReason}); signing is refused until it answers again");
        }

        try
        {
            var slot = FindSlot(library);
            var session = slot.OpenSession(SessionType.ReadWrite);
            try
            {
                session.Login(CKU.CKU_USER, _where.ReadPin());
            }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
                // Another key of this token in the process logged the application in already.
            }
            catch
            {
                session.Dispose();
                throw;
            }

            // Sessions of an earlier generation (the module was reset under them) are dead: drop them.
            while (_idle.TryTake(out var stale))
            {
                Drop(stale);
            }

            _keys.Clear();
            _slot = slot;
            _idle.Add(session);
            _generation = generation;
            _brokenReason = null;
            Interlocked.Increment(ref _connections);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or InvalidOperationException)
        {
            Broken(null, e, generation);
            throw new SigningUnavailableException($"the {Description} is not available: {Describe(e)}", e);
        }
    }

    private ISlot FindSlot(IPkcs11Library library)
    {
        foreach (var slot in library.GetSlotList(SlotsType.WithTokenPresent))
        {
            if (_where.SlotId is { } id ? slot.SlotId == id : slot.GetTokenInfo().Label.TrimEnd() == _where.Token)
            {
                return slot;
            }
        }

        throw new InvalidOperationException(_where.Token is { } label
            ? $"no token labelled '{label}' is present (initialise it, or correct token= in the key's URI; naqil keys list shows the tokens)"
            : $"slot {_where.SlotId} has no token");
    }

    private IObjectHandle Key(ISession session, Pkcs11Uri key, CKO kind)
    {
        var name = kind + "|" + key.Object + "|" + (key.Id is null ? "" : Convert.ToHexString(key.Id));
        if (_keys.TryGetValue(name, out var handle))
        {
            return handle;
        }

        var found = Find(session, key, kind);
        if (found.Count != 1)
        {
            throw new KeyNotFoundException(found.Count == 0
                ? $"the {Description} has no {(kind == CKO.CKO_PRIVATE_KEY ? "private" : "public")} key {Pkcs11Keys.Name(key)}; generate it with 'naqil keys generate' or correct object=/id= in the key's URI"
                : $"the {Description} has {found.Count} keys {Pkcs11Keys.Name(key)}; give id= too so the URI names one");
        }

        _keys[name] = found[0];
        return found[0];
    }

    private static List<IObjectHandle> Find(ISession session, Pkcs11Uri key, CKO kind)
    {
        var factory = session.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute> { factory.Create(CKA.CKA_CLASS, kind), factory.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC) };
        if (key.Object is not null)
        {
            template.Add(factory.Create(CKA.CKA_LABEL, key.Object));
        }

        if (key.Id is not null)
        {
            template.Add(factory.Create(CKA.CKA_ID, key.Id));
        }

        return session.FindAllObjects(template);
    }

    private void Broken(ISession? session, Exception e, int generation)
    {
        lock (_connecting)
        {
            _resetGeneration = generation;
            _brokenReason = Describe(e);
            Volatile.Write(ref _brokenUntil, Environment.TickCount64 + (long)RetryAfter.TotalMilliseconds);
            _resetWanted = true;
            _generation = -1;
            _keys.Clear();
            Drop(session);
            while (_idle.TryTake(out var idle))
            {
                Drop(idle);
            }
        }
    }

    private static void Drop(ISession? session)
    {
        try
        {
            session?.Dispose();
        }
        catch (Exception)
        {
            // A session of a token that went away may not close; it is forgotten either way.
        }
    }

    private static string Describe(Exception e) => e is Pkcs11Exception p ? $"{p.Method} returned {p.RV}" : e.Message;
}

/// <summary>Encodings PKCS#11 uses for EC keys.</summary>
internal static class Pkcs11Keys
{
    /// <summary>CKA_EC_PARAMS of P-256: the DER of its named-curve OID 1.2.840.10045.3.1.7.</summary>
    public static readonly byte[] P256Parameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    public static string Name(Pkcs11Uri key) =>
        key.Object is not null ? $"labelled '{key.Object}'" + (key.Id is null ? "" : $" with id {Convert.ToHexString(key.Id)}") : $"with id {Convert.ToHexString(key.Id!)}";

    /// <summary>CKA_EC_POINT is the DER OCTET STRING around the point (some modules give the bare point): the bare uncompressed point either way.</summary>
    public static byte[] DecodePoint(byte[] value)
    {
        if (value.Length == 65 && value[0] == 0x04)
        {
            return value;
        }

        if (value.Length == 67 && value[0] == 0x04 && value[1] == 65 && value[2] == 0x04)
        {
            return value[2..];
        }

        throw new CryptographicException("the token's CKA_EC_POINT is not an uncompressed P-256 point");
    }

    public static ECParameters PublicParameters(byte[] point) => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = point[1..33], Y = point[33..65] },
    };
}

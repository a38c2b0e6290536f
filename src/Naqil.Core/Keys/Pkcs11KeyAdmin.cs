using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Naqil.Keys;

/// <summary>A key pair in a token as <c>naqil keys list</c> shows it.</summary>
public sealed record Pkcs11KeyInfo(string Label, string Id, bool HasPrivate, byte[]? PublicPoint);

/// <summary>What an operator does to a token: make a key in it, list its keys, and (for the sandbox and tests) initialise a SoftHSM2 token.</summary>
public static class Pkcs11KeyAdmin
{
    /// <summary>
    /// Generates an ECDSA P-256 key pair in the token, labelled as <paramref name="uri"/>'s
    /// <c>object</c> with a random CKA_ID: the private half sensitive, not extractable, usable only
    /// to sign. Refuses when a key with that label is there already.
    /// </summary>
    public static Pkcs11ECDsa Generate(Pkcs11Uri uri)
    {
        if (uri.Object is null)
        {
            throw new InvalidOperationException("a new key needs a label: give object=<label> in its URI");
        }

        var token = Pkcs11Token.For(uri);
        var label = uri.Object;
        var id = uri.Id ?? RandomNumberGenerator.GetBytes(8);
        token.Use(session =>
        {
            var f = session.Factories.ObjectAttributeFactory;
            var existing = session.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), f.Create(CKA.CKA_LABEL, label)]);
            if (existing.Count > 0)
            {
                throw new InvalidOperationException($"the {token.Description} already has a key labelled '{label}'; choose another label, or use that key");
            }

            List<IObjectAttribute> publicTemplate =
            [
                f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, false), f.Create(CKA.CKA_VERIFY, true),
                f.Create(CKA.CKA_EC_PARAMS, Pkcs11Keys.P256Parameters), f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_ID, id),
            ];
            List<IObjectAttribute> privateTemplate =
            [
                f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, true), f.Create(CKA.CKA_SIGN, true), f.Create(CKA.CKA_DECRYPT, false),
                f.Create(CKA.CKA_SENSITIVE, true), f.Create(CKA.CKA_EXTRACTABLE, false), f.Create(CKA.CKA_LABEL, label), f.Create(CKA.CKA_ID, id),
            ];
            using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
            session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out _, out _);
            return true;
        });
        return Pkcs11ECDsa.Open(uri with { Id = id });
    }

    /// <summary>The EC key pairs in the token, by label and id, with their public points.</summary>
    public static IReadOnlyList<Pkcs11KeyInfo> List(Pkcs11Uri token) => Pkcs11Token.For(token).Use(session =>
    {
        var f = session.Factories.ObjectAttributeFactory;
        var keys = new Dictionary<string, Pkcs11KeyInfo>(StringComparer.Ordinal);
        foreach (var kind in new[] { CKO.CKO_PUBLIC_KEY, CKO.CKO_PRIVATE_KEY })
        {
            foreach (var handle in session.FindAllObjects([f.Create(CKA.CKA_CLASS, kind), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC)]))
            {
                var attributes = session.GetAttributeValue(handle, [CKA.CKA_LABEL, CKA.CKA_ID]);
                var label = attributes[0].GetValueAsString() ?? "";
                var id = Convert.ToHexString(attributes[1].GetValueAsByteArray() ?? []).ToLowerInvariant();
                var name = label + "|" + id;
                keys.TryGetValue(name, out var info);
                info ??= new Pkcs11KeyInfo(label, id, false, null);
                keys[name] = kind == CKO.CKO_PRIVATE_KEY
                    ? info with { HasPrivate = true }
                    : info with { PublicPoint = Pkcs11Keys.DecodePoint(session.GetAttributeValue(handle, [CKA.CKA_EC_POINT])[0].GetValueAsByteArray()) };
            }
        }

        return (IReadOnlyList<Pkcs11KeyInfo>)[.. keys.Values.OrderBy(k => k.Label, StringComparer.Ordinal)];
    });

    /// <summary>
    /// Initialises a token labelled <paramref name="label"/> in the module's first slot without one
    /// (SoftHSM2 always offers one), with the security officer's and the user's PINs; does nothing
    /// when a token with that label is present already. For the sandbox and tests: a real HSM's
    /// tokens are initialised by its operators with its own tools.
    /// </summary>
    public static void InitializeToken(string modulePath, string label, string soPin, string userPin)
    {
        var module = Pkcs11Module.For(modulePath);
        module.Use((library, _) =>
        {
            var slots = library.GetSlotList(SlotsType.WithTokenPresent);
            if (slots.Any(s => s.GetTokenInfo().Label.TrimEnd() == label))
            {
                return true;
            }

            var free = slots.FirstOrDefault(s => !s.GetTokenInfo().TokenFlags.TokenInitialized)
                ?? throw new InvalidOperationException($"the PKCS#11 module {modulePath} has no uninitialised token to label '{label}'");
            free.InitToken(soPin, label);
            var initialised = library.GetSlotList(SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.TrimEnd() == label);
            using var session = initialised.OpenSession(SessionType.ReadWrite);
            session.Login(CKU.CKU_SO, soPin);
            session.InitPin(userPin);
            session.Logout();
            return true;
        });
    }
}

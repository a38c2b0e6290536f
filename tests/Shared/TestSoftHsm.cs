using System.Security.Cryptography;
using Naqil.Keys;

namespace Naqil.Tests.Shared;

/// <summary>
/// SoftHSM2 as the real token of the tests: one token directory per test process, one token per
/// test (its own label, a random PIN). Absent, the test is skipped locally and fails under CI
/// (<c>CI=true</c>), where <c>.ci/run</c> installs <c>softhsm2</c>. Linked into every test project
/// that keeps keys in a token.
/// </summary>
internal static class TestSoftHsm
{
    private static readonly Lazy<string?> Module = new(() =>
    {
        var module = SoftHsm.FindModule();
        if (module is not null)
        {
            SoftHsm.Use(Directory.CreateTempSubdirectory("naqil-softhsm-").FullName);
        }

        return module;
    });

    /// <summary>A new token; the returned URI names it (with its PIN as pin-value) and a key to be given with <c>ForObject</c>.</summary>
    public static Pkcs11Uri NewToken(string? label = null)
    {
        var module = Module.Value;
        if (module is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail("SoftHSM2 (Debian package softhsm2) is required under CI: it is the token the PKCS#11 tests keep keys in.");
            }

            Assert.Skip("SoftHSM2 is not installed (apt-get install softhsm2).");
        }

        label ??= "test-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var pin = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        lock (Module)
        {
            Pkcs11KeyAdmin.InitializeToken(module!, label, "so-" + pin, pin);
        }

        return new Pkcs11Uri { ModulePath = module!, Token = label, Object = "unset", PinValue = pin };
    }

    /// <summary>A new key pair labelled <paramref name="label"/> in <paramref name="token"/>; its URI as configuration writes it.</summary>
    public static string NewKey(Pkcs11Uri token, string label)
    {
        var uri = token.ForObject(label);
        using var key = Pkcs11KeyAdmin.Generate(uri);
        return "pkcs11:token=" + Uri.EscapeDataString(token.Token!) + ";object=" + Uri.EscapeDataString(label) + "?module-path=" + token.ModulePath + "&pin-value=" + token.PinValue;
    }
}

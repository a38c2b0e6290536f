using System.Security.Cryptography;
using Naqil.Keys;

namespace Naqil.LoadHarness.Targets;

/// <summary>
/// The SoftHSM2 token of a variant with <c>Keys=pkcs11</c>: one per run, in the workspace, made by
/// the harness (which must point SoftHSM2 at it before loading the module) and inherited by the
/// gateway processes through <c>SOFTHSM2_CONF</c>.
/// </summary>
internal static class HarnessToken
{
    private static readonly Lock Gate = new();
    private static Pkcs11Uri? _token;

    public static Pkcs11Uri For(Workspace workspace)
    {
        lock (Gate)
        {
            if (_token is not null)
            {
                return _token;
            }

            var module = SoftHsm.FindModule() ?? throw new HarnessException("a Keys=pkcs11 variant keeps its signing keys in SoftHSM2, which is not installed (apt-get install softhsm2)");
            var folder = workspace.Folder("softhsm");
            SoftHsm.Use(folder);
            var pin = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var pinFile = Path.Combine(folder, "user-pin");
            File.WriteAllText(pinFile, pin);
            File.SetUnixFileMode(pinFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Pkcs11KeyAdmin.InitializeToken(module, "naqil-load", "so-" + pin, pin);
            _token = new Pkcs11Uri { ModulePath = module, Token = "naqil-load", Object = "-", PinSource = "file:" + pinFile };
            return _token;
        }
    }
}

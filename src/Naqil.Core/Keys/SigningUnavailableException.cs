using System.Security.Cryptography;

namespace Naqil.Keys;

/// <summary>
/// A key in a token could not sign: the module failed, the token went away, the session closed, the
/// PIN was refused. Components answer <see cref="Code"/> (<c>signing-unavailable</c>) and try the
/// token again a moment later; they never fall back to a key file.
/// </summary>
public sealed class SigningUnavailableException(string message, Exception? inner = null) : CryptographicException(message, inner)
{
    public const string Code = "signing-unavailable";
}

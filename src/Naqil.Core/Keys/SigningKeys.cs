using System.Security.Cryptography;

namespace Naqil.Keys;

/// <summary>
/// Opens a signing key from its reference in configuration: a <c>pkcs11:</c> URI (RFC 7512) for a
/// key in a token, anything else a PEM file with the private key. The scheme is how configuration
/// names the provider, key by key.
/// </summary>
public static class SigningKeys
{
    public static bool IsPkcs11(string? reference) => Pkcs11Uri.IsPkcs11(reference);

    /// <summary>An ECDSA P-256 key; errors name the reference (never a PIN) and what to do.</summary>
    public static ECDsa Open(string reference)
    {
        if (IsPkcs11(reference))
        {
            return Pkcs11ECDsa.Open(Pkcs11Uri.Parse(reference));
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(reference));
            if (key.KeySize != 256)
            {
                throw new InvalidOperationException($"{reference} holds an ECDSA key of {key.KeySize} bits; Naqil signs with P-256");
            }

            return key;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{reference} does not hold a PEM ECDSA private key: {e.Message}", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}

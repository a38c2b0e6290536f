using System.Security.Cryptography;

namespace Naqil.Keys;

/// <summary>
/// An ECDSA P-256 key that stays in a PKCS#11 token: signing is a <c>C_Sign</c> with CKM_ECDSA on a
/// pooled session, the private half is never exported, and the public half comes from the token's
/// public key object. Everything in .NET that signs with an <see cref="ECDsa"/> (RFC 9421 message
/// signatures, tree heads, the trust configuration's JWS, <see cref="System.Security.Cryptography.X509Certificates.CertificateRequest"/>,
/// CRLs, CMS) signs through it unchanged. After each (re)connection to the token the first
/// signature is checked against the public key first seen, so a token that came back with a
/// different key under the same label signs nothing.
/// </summary>
public sealed class Pkcs11ECDsa : ECDsa
{
    private readonly Pkcs11Token _token;
    private readonly Pkcs11Uri _key;
    private readonly ECDsa _public;
    private int _checkedConnection = -1;

    private Pkcs11ECDsa(Pkcs11Token token, Pkcs11Uri key, byte[] point)
    {
        _token = token;
        _key = key;
        _public = Create(Pkcs11Keys.PublicParameters(point));
        KeySizeValue = 256;
        LegalKeySizesValue = [new KeySizes(256, 256, 0)];
    }

    /// <summary>The key's URI, without the PIN.</summary>
    public string Reference => _key.ToString();

    /// <summary>Opens the key <paramref name="uri"/> names; throws, naming the token and the key, when the token or the key is not there.</summary>
    public static Pkcs11ECDsa Open(Pkcs11Uri uri)
    {
        var token = Pkcs11Token.For(uri);
        try
        {
            return new Pkcs11ECDsa(token, uri, token.PublicPoint(uri));
        }
        catch (KeyNotFoundException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }

    public override byte[] SignHash(byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var connection = _token.Connections;
        byte[] signature;
        try
        {
            signature = _token.SignHash(_key, hash);
        }
        catch (KeyNotFoundException e)
        {
            throw new SigningUnavailableException(e.Message, e);
        }

        if (_checkedConnection != _token.Connections || connection != _token.Connections)
        {
            if (!_public.VerifyHash(hash, signature))
            {
                throw new SigningUnavailableException($"the key {Reference} in the {_token.Description} is not the key it was at start (its signature does not verify with the public key first read); restore the token or restart with the new key's certificate");
            }

            _checkedConnection = _token.Connections;
        }

        return signature;
    }

    public override bool VerifyHash(byte[] hash, byte[] signature) => _public.VerifyHash(hash, signature);

    public override ECParameters ExportParameters(bool includePrivateParameters)
    {
        if (includePrivateParameters)
        {
            throw new CryptographicException($"the key {Reference} is in a PKCS#11 token and cannot be exported");
        }

        return _public.ExportParameters(false);
    }

    public override ECParameters ExportExplicitParameters(bool includePrivateParameters) =>
        includePrivateParameters ? ExportParameters(true) : _public.ExportExplicitParameters(false);

    public override void ImportParameters(ECParameters parameters) => throw new NotSupportedException("a key in a PKCS#11 token is not imported into; generate it in the token with 'naqil keys generate'");

    public override void GenerateKey(ECCurve curve) => throw new NotSupportedException("a key in a PKCS#11 token is generated in the token with 'naqil keys generate'");

    protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
        CryptographicOperations.HashData(hashAlgorithm, data.AsSpan(offset, count));

    protected override byte[] HashData(Stream data, HashAlgorithmName hashAlgorithm) => CryptographicOperations.HashData(hashAlgorithm, data);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _public.Dispose();
        }

        base.Dispose(disposing);
    }
}

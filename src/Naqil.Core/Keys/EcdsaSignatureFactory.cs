using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;

namespace Naqil.Keys;

/// <summary>
/// BouncyCastle's signer interface over a framework <see cref="ECDsa"/>: ecdsa-with-SHA256, DER
/// signatures. Lets what BouncyCastle builds (RFC 3161 tokens, OCSP answers) be signed by a key
/// that never leaves its token, instead of a copy of the key in BouncyCastle's own form.
/// </summary>
public sealed class EcdsaSignatureFactory(ECDsa key) : ISignatureFactory
{
    public object AlgorithmDetails { get; } = new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256);

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(key);

    private sealed class Calculator(ECDsa key) : IStreamCalculator<IBlockResult>
    {
        private readonly MemoryStream _data = new();

        public Stream Stream => _data;

        public IBlockResult GetResult() => new Result(key.SignData(_data.ToArray(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    private sealed class Result(byte[] signature) : IBlockResult
    {
        public byte[] Collect() => signature;

        public int Collect(byte[] buf, int off)
        {
            signature.CopyTo(buf, off);
            return signature.Length;
        }

        public int Collect(Span<byte> output)
        {
            signature.CopyTo(output);
            return signature.Length;
        }

        public int GetMaxResultLength() => signature.Length;
    }
}

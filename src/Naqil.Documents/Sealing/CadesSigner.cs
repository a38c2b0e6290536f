namespace Naqil.Documents.Sealing;

/// <summary>
/// A detached CAdES baseline B-T signature (ETSI EN 319 122-1) over any file's bytes, the <c>.p7s</c>
/// that travels beside it: the same CMS as a PAdES seal's (<see cref="CadesSignature"/>: SHA-256,
/// signing-certificate-v2, the certificate and its chain, no signing-time) with the TSA's token over
/// the signature value as id-aa-signatureTimeStampToken.
/// </summary>
public static class CadesSigner
{
    /// <summary>The DER CMS SignedData, without the content.</summary>
    public static async Task<byte[]> SignAsync(byte[] content, SealKey key, ITimestampClient tsa, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tsa);
        var cms = CadesSignature.Sign(content, key);
        await CadesSignature.AddSignatureTimestampAsync(cms, tsa, cancellationToken);
        return cms.Encode();
    }
}

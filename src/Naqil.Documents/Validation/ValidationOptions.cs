using System.Security.Cryptography.X509Certificates;

namespace Naqil.Documents.Validation;

/// <summary>What a validation trusts and how much it reads.</summary>
public sealed record ValidationOptions
{
    /// <summary>The default refusal size: 50 MiB, far above any sealed extract (about 300 KB).</summary>
    public const long DefaultMaxInputBytes = 50L * 1024 * 1024;

    /// <summary>The root certificates a chain must end in (the test PKI's or the federation's roots).</summary>
    public IReadOnlyList<X509Certificate2> TrustAnchors { get; init; } = [];

    /// <summary>
    /// DER OCSP responses and CRLs given beside the file (a detached CAdES B-T carries none), used as if
    /// they were embedded; they do not raise the level reached.
    /// </summary>
    public IReadOnlyList<byte[]> ExtraRevocationData { get; init; } = [];

    /// <summary>Inputs larger than this are refused before they are read.</summary>
    public long MaxInputBytes { get; init; } = DefaultMaxInputBytes;
}

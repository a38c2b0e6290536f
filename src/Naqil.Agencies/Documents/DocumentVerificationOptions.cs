using System.Security.Cryptography.X509Certificates;

namespace Naqil.Agencies.Documents;

/// <summary>What the verification endpoints trust and how much they take.</summary>
public sealed record DocumentVerificationOptions
{
    /// <summary>The default upload limit: 20 MiB, far above a sealed extract (about 350 KB).</summary>
    public const long DefaultMaxUploadBytes = 20L * 1024 * 1024;

    /// <summary>The root certificates an uploaded document's seal must chain to (the instance's root).</summary>
    public IReadOnlyList<X509Certificate2> TrustAnchors { get; init; } = [];

    /// <summary>The most a request body to <c>POST /documents/verify</c> may hold, file, signature and multipart framing together.</summary>
    public long MaxUploadBytes { get; init; } = DefaultMaxUploadBytes;
}

namespace Naqil.Gateway;

/// <summary>Header names of the exchange protocol (docs/protocol.md).</summary>
internal static class NaqilHeaders
{
    public const string Id = "Naqil-Id";
    public const string Client = "Naqil-Client";
    public const string Service = "Naqil-Service";
    public const string User = "Naqil-User";
    public const string Purpose = "Naqil-Purpose";
    public const string Subject = "Naqil-Subject";
    public const string ApiKey = "Naqil-Api-Key";
    public const string RequestSignatureInput = "Naqil-Request-Signature-Input";
    public const string RequestSignature = "Naqil-Request-Signature";
    public const string ContentDigest = "Content-Digest";
    public const string SignatureInput = "Signature-Input";
    public const string Signature = "Signature";

    /// <summary>The signature label used on both request and response.</summary>
    public const string Label = "naqil";
    public const string RequestTag = "naqil-request";
    public const string ResponseTag = "naqil-response";

    /// <summary>Optional headers: covered by the request signature whenever present.</summary>
    public static readonly string[] OptionalCovered = ["naqil-user", "naqil-purpose", "naqil-subject"];
}

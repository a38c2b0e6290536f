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

    /// <summary>The tag of a delivery of events from a publisher's gateway to a subscriber's (docs/protocol.md section 15).</summary>
    public const string EventTag = "naqil-event";

    /// <summary>Headers on an event as the subscriber's gateway posts it to the backend.</summary>
    public const string Subscriber = "Naqil-Subscriber";
    public const string Published = "Naqil-Published";
    public const string Error = "Naqil-Error";

    /// <summary>
    /// Optional headers: covered by the request signature whenever present. <c>Idempotency-Key</c>
    /// travels with the exchange so a backend can answer a retried state change once (docs/payments.md).
    /// </summary>
    public static readonly string[] OptionalCovered = ["naqil-user", "naqil-purpose", "naqil-subject", "idempotency-key"];
}

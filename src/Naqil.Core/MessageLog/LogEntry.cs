namespace Naqil.MessageLog;

/// <summary>
/// One side of one exchange as a gateway records it in its message log: who asked whom for what,
/// when, why and about whom, how it ended, and the signatures that prove it. The canonical byte
/// encoding that the Merkle leaf hashes is <see cref="LogEntryEncoding"/>, specified byte for byte in docs/message-log.md.
/// </summary>
public sealed record LogEntry
{
    /// <summary><c>consumer</c> or <c>provider</c>: which face of the gateway recorded it.</summary>
    public required string Side { get; init; }

    public required string NaqilId { get; init; }

    /// <summary>The client subsystem, as named (may be malformed text on a refusal).</summary>
    public required string Client { get; init; }

    /// <summary>The service, as named (may be malformed text on a refusal).</summary>
    public required string Service { get; init; }

    public string? User { get; init; }

    public string? Purpose { get; init; }

    public string? Subject { get; init; }

    public required string Method { get; init; }

    /// <summary>Path after the service id, with the query.</summary>
    public required string Path { get; init; }

    /// <summary>The status returned to the caller.</summary>
    public required int Status { get; init; }

    /// <summary><c>ok</c> when the exchange was carried (whatever the backend answered), else the refusal code.</summary>
    public required string Outcome { get; init; }

    /// <summary>The other gateway: <c>SY/GOV/CIVREG/gw1</c>; null when the exchange never reached one.</summary>
    public string? Peer { get; init; }

    public string? RequestDigest { get; init; }

    public string? RequestSignatureInput { get; init; }

    public string? RequestSignature { get; init; }

    public string? ResponseDigest { get; init; }

    public string? ResponseSignatureInput { get; init; }

    public string? ResponseSignature { get; init; }

    public required DateTimeOffset Received { get; init; }

    public required DateTimeOffset Completed { get; init; }
}

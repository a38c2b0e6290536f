namespace Naqil.Agencies.Documents;

/// <summary>
/// What an issuer keeps of a document it issued, to answer its QR code: the id, the type, the
/// issuing member, the hash the QR code carries (of the canonical payload), the issue time, and the
/// seal certificate's serial and issuer. Deliberately no personal data: neither the national id
/// nor a name, so the record can be shown to whoever holds the id.
/// </summary>
public sealed record IssuedDocument(Guid Id, string Type, string Issuer, string PayloadHash, DateTimeOffset Issued, string SealSerial, string SealIssuer);

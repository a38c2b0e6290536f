namespace Naqil.Documents.Rendering;

/// <summary>
/// What identifies one issued document: its id, when it was issued, and where it is verified
/// (the QR code and the printed link lead to <c>{VerifyBase}/documents/{Id}?h=…</c>).
/// </summary>
public sealed record DocumentInfo(Guid Id, DateTimeOffset Issued, Uri VerifyBase);

namespace Naqil.Gateway.Pipeline;

/// <summary>
/// What a face answers its caller: the status, the header fields (lower-case names) and the body.
/// On the provider face its signature covers these headers; on the consumer face they are the
/// provider's signed answer as received, or the consumer's own refusal.
/// </summary>
internal sealed record ExchangeAnswer(int Status, Dictionary<string, string> Headers, byte[] Body);

namespace Naqil.Identifiers;

/// <summary>
/// Thrown when text is not a valid Naqil identifier. The message names the offending segment
/// and what a valid one looks like; identifiers are never normalised silently.
/// </summary>
public sealed class IdentifierException(string message) : FormatException(message);

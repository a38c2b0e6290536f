namespace Naqil.LoadHarness;

/// <summary>A run cannot go on; the message says what to fix.</summary>
internal sealed class HarnessException(string message) : Exception(message);

namespace Naqil.Cli.Sandbox;

/// <summary>The sandbox cannot start; the message says why and what to change.</summary>
internal sealed class SandboxException(string message) : Exception(message);

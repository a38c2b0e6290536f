using Naqil.LoadHarness.Processes;

namespace Naqil.LoadHarness.Targets;

/// <summary>
/// What the fault phase needs to know of a Naqil target beyond its path: the <c>naqil</c> program
/// (to export and verify logs as an operator would), the registry (which also serves the sandbox
/// TSA), both gateways, and the PostgreSQL server their logs live on, if any.
/// </summary>
internal sealed record NaqilDeployment(string Naqil, NaqilPair.Registry Registry, NaqilGateway Consumer, NaqilGateway Provider, PostgresServer? Postgres);

/// <summary>One gateway: its configuration file, its consumer face (which serves the admin API) and admin token, and its process.</summary>
internal sealed record NaqilGateway(string Role, string ConfigFile, string ConsumerUrl, string AdminToken, ChildProcess Process);

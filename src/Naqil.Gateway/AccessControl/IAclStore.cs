namespace Naqil.Gateway.AccessControl;

/// <summary>Where access rules are kept: the gateway's own SQLite, or PostgreSQL shared by a member's gateways.</summary>
internal interface IAclStore
{
    Task<IReadOnlyList<AclRule>> ListAsync(CancellationToken cancellationToken);

    Task UpsertAsync(AclRule rule, CancellationToken cancellationToken);

    Task<int> DeleteAsync(string service, string client, CancellationToken cancellationToken);

    /// <summary>A number that changes with every change of the rules, by whichever gateway made it; a store only this gateway writes may answer a constant.</summary>
    Task<long> VersionAsync(CancellationToken cancellationToken);
}

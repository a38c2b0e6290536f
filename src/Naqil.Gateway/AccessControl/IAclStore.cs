namespace Naqil.Gateway.AccessControl;

/// <summary>Where access rules are kept. SQLite by default; PostgreSQL in production.</summary>
internal interface IAclStore
{
    Task<IReadOnlyList<AclRule>> ListAsync(CancellationToken cancellationToken);

    Task UpsertAsync(AclRule rule, CancellationToken cancellationToken);

    Task<int> DeleteAsync(string service, string client, CancellationToken cancellationToken);
}

namespace Naqil.Gateway.Configuration.Validation;

/// <summary>
/// Where the gateway keeps its state: <c>DataDirectory</c> must be named (it is locked for this
/// process as the options are created) and the message log's store must be usable.
/// </summary>
internal sealed class StorageValidator : IGatewayOptionsValidator
{
    private static bool IsConnectionString(string text)
    {
        try
        {
            return new Npgsql.NpgsqlConnectionStringBuilder(text).Host is { Length: > 0 };
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Validate(GatewayOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Gateway:DataDirectory is empty; name a folder where the gateway keeps its database, such as /var/lib/naqil/gateway");
        }

        var log = options.MessageLog;
        if (log.Storage is not ("sqlite" or "postgresql"))
        {
            failures.Add($"Gateway:MessageLog:Storage is '{log.Storage}'; use sqlite or postgresql");
        }
        else if (log.Storage == "postgresql" && string.IsNullOrWhiteSpace(log.ConnectionString))
        {
            failures.Add("Gateway:MessageLog:ConnectionString is empty; PostgreSQL needs one such as Host=127.0.0.1;Username=naqil;Database=naqil_log");
        }

        if (log.SqliteBusyTimeout < TimeSpan.Zero)
        {
            failures.Add($"Gateway:MessageLog:SqliteBusyTimeout is {log.SqliteBusyTimeout}; use a duration such as 00:00:05");
        }

        if (options.SharedStateConnectionString.Length > 0 && !IsConnectionString(options.SharedStateConnectionString))
        {
            failures.Add("Gateway:SharedStateConnectionString is not a PostgreSQL connection string; give one such as Host=10.0.0.5;Username=naqil;Database=naqil_civreg_shared, or leave it empty for one gateway");
        }

        if (options.SharedStatePollInterval <= TimeSpan.Zero)
        {
            failures.Add($"Gateway:SharedStatePollInterval is {options.SharedStatePollInterval}; use a positive duration such as 00:00:02");
        }

        if (log.MaxBatch is < 1 or > 65536)
        {
            failures.Add($"Gateway:MessageLog:MaxBatch is {log.MaxBatch}; use a value between 1 and 65536 (default 1024)");
        }
    }
}

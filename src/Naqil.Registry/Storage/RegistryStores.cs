namespace Naqil.Registry.Storage;

/// <summary>Opens the store a registry's configuration names.</summary>
internal static class RegistryStores
{
    public static DbRegistryStore Create(RegistryOptions options) => options.Storage == "postgresql"
        ? new PostgresRegistryStore(options.ConnectionString)
        : new SqliteRegistryStore(Path.Combine(options.DataDirectory, NaqilRegistryExtensions.DatabaseFile));
}

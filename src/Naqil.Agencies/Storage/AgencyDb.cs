using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Naqil.Agencies.Storage;

/// <summary>What the agencies' stores (the posts', the issued documents', the regulator's) share over ADO.NET: commands with their parameters, and a SQLite file's connection string, opening and pool.</summary>
internal static class AgencyDb
{
    /// <summary>A command on <paramref name="connection"/>; values travel as parameters, null as <see cref="DBNull"/>.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // the SQL is the stores' constants; values travel as parameters
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>Runs a statement that answers no rows.</summary>
    public static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A SQLite file's connection string as the stores use it: created when absent, pooled, waiting up to 30 s for the write lock.</summary>
    public static string SqliteConnectionString(string databasePath, bool foreignKeys) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        ForeignKeys = foreignKeys,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>Closes the pooled connections of <paramref name="connectionString"/>, so the file is released when its store is disposed.</summary>
    public static void ClearSqlitePool(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>An open SQLite connection; one that fails to open is disposed.</summary>
    public static async Task<DbConnection> OpenSqliteAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

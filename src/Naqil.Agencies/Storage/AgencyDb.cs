using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Naqil.Agencies.Storage;

/// <summary>What the agencies' stores (the posts', the issued documents', the regulator's, the payments') share over ADO.NET: commands with their parameters, and a SQLite file's connection string, opening and pool.</summary>
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

    /// <summary>Runs a statement; the number of rows it changed.</summary>
    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a query and hands each row to <paramref name="row"/>.</summary>
    public static async Task ReadAsync(DbConnection connection, DbTransaction? transaction, string sql, Action<DbDataReader> row, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            row(reader);
        }
    }

    /// <summary>
    /// Records <paramref name="owner"/> in the one-row table <paramref name="table"/> of a new database
    /// and returns the owner it holds: another value means the database was made for someone else.
    /// </summary>
    public static async Task<string?> ClaimOwnerAsync(DbConnection connection, DbTransaction transaction, string table, string column, string owner, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, $"INSERT INTO {table} (id, {column}) VALUES (1, @owner) ON CONFLICT (id) DO NOTHING;", cancellationToken, ("owner", owner));
        string? stored = null;
        await ReadAsync(connection, transaction, $"SELECT {column} FROM {table} WHERE id = 1;", r => stored = r.GetString(0), cancellationToken);
        return stored;
    }

    /// <summary>The connection string of an agency's SQLite file: created when missing, pooled, waiting up to 30 s for a lock.</summary>
    public static string SqliteConnectionString(string databasePath, bool foreignKeys = false) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        ForeignKeys = foreignKeys ? true : null,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>Closes the pooled connections to a SQLite file, so it can be moved or deleted once its store is disposed.</summary>
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

using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Naqil.Agencies.Storage;

/// <summary>What the agencies' stores (the posts', the issued documents') share over ADO.NET: commands with their parameters, and opening a SQLite connection.</summary>
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

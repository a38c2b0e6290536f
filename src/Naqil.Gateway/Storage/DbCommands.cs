using System.Data;
using System.Data.Common;

namespace Naqil.Gateway.Storage;

/// <summary>Commands and parameters over ADO.NET, the same for SQLite and PostgreSQL.</summary>
internal static class DbCommands
{
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static void Add(DbCommand command, string name, object? value) => Add(command.CreateParameter, command.Parameters, name, value);

    public static void Add(Func<DbParameter> create, DbParameterCollection parameters, string name, object? value)
    {
        var parameter = create();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        if (value is null)
        {
            parameter.DbType = DbType.Binary;
        }

        parameters.Add(parameter);
    }

    public static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

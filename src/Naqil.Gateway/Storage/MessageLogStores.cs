using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;

namespace Naqil.Gateway.Storage;

/// <summary>Opens the message log store a gateway's configuration names.</summary>
internal static class MessageLogStores
{
    public static IMessageLogStore Create(GatewayOptions options)
    {
        var log = options.MessageLog;
        if (log.Storage == "postgresql")
        {
            return new PostgresMessageLogStore(log.ConnectionString);
        }

        var path = log.ConnectionString.Length > 0 ? log.ConnectionString : Path.Combine(options.DataDirectory, "messagelog.db");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return new SqliteMessageLogStore(path, log.SqliteBusyTimeout);
    }

    public static string BodyKeyFile(GatewayOptions options) =>
        options.MessageLog.BodyKeyFile.Length > 0 ? options.MessageLog.BodyKeyFile : Path.Combine(options.DataDirectory, "messagelog-body.key");
}

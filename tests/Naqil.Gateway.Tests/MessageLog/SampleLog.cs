using Microsoft.Extensions.Logging.Abstractions;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.MessageLog;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>Log entries and an opened <see cref="MerkleMessageLog"/> for the message log's own tests.</summary>
internal static class SampleLog
{
    /// <summary>A consumer-side GET of <paramref name="path"/>, completed at <paramref name="time"/>.</summary>
    public static LogEntry Entry(string path, DateTimeOffset time, string? naqilId = null) => new()
    {
        Side = "consumer",
        NaqilId = naqilId ?? Guid.NewGuid().ToString("D"),
        Client = "SY/GOV/MOCT/portal",
        Service = "SY/GOV/CIVREG/registry/persons",
        Method = "GET",
        Path = path,
        Status = 200,
        Outcome = "ok",
        Received = time,
        Completed = time,
    };

    /// <summary>A started log over <paramref name="store"/>, its body key in <paramref name="folder"/>.</summary>
    public static async Task<MerkleMessageLog> OpenAsync(IMessageLogStore store, string folder, int maxBatch, CancellationToken cancellationToken)
    {
        var options = new MessageLogOptions { MaxBatch = maxBatch };
        var log = new MerkleMessageLog(store, new BodyVault(options, Path.Combine(folder, "body.key")), options, TimeProvider.System, NullLogger<MerkleMessageLog>.Instance);
        await log.StartAsync(cancellationToken);
        return log;
    }
}

using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Naqil.LoadHarness.Backend;

/// <summary>
/// The backend's event endpoint, as a subscriber's system would have it: <c>POST /events</c>
/// acknowledges each event the subscriber's gateway posts with 200 and records its
/// <c>Naqil-Id</c>, its arrival (wall clock, microseconds since the Unix epoch: the same host clock
/// the harness's publisher reads) and, once the answer has gone out, that it was acknowledged.
/// <c>GET /events/received</c> answers the counts (<c>?list=true</c>: every arrival in order) and
/// <c>DELETE /events/received</c> forgets them.
/// <para>
/// Every arrival and acknowledgement is also appended to a file, written through to the kernel
/// before the answer (no fsync: a SIGKILL loses no page cache), and read back at start. So what
/// arrived survives the backend being killed and started again, and an event that arrives twice
/// across a restart is seen twice. An arrival without its acknowledgement is one whose answer the
/// kill may have cut off: the gateway sending it again is at-least-once working as promised, not a
/// duplicate.
/// </para>
/// </summary>
internal sealed class EventSink : IDisposable
{
    private readonly List<Arrival> _arrivals = [];
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly string? _file;
    private FileStream? _journal;

    private EventSink(string? file)
    {
        _file = file;
    }

    /// <summary>One event as it arrived, in arrival order; <see cref="Acknowledged"/> once its 200 was written out.</summary>
    internal sealed record Arrival(string Id, long AtMicros)
    {
        public bool Acknowledged { get; set; }
    }

    /// <summary>What <c>GET /events/received</c> answers: counts, and with <c>?list=true</c> every arrival in order.</summary>
    internal sealed record Received(int Arrivals, int Distinct, int Acknowledged, IReadOnlyList<string>? Ids, IReadOnlyList<long>? AtMicros, IReadOnlyList<bool>? Acked);

    /// <summary>A sink journalled to <paramref name="file"/> (read back first when it exists), or kept in memory only.</summary>
    public static EventSink Open(string? file)
    {
        var sink = new EventSink(file);
        if (file is null)
        {
            return sink;
        }

        if (File.Exists(file))
        {
            var latest = new Dictionary<string, Arrival>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(file))
            {
                sink.Replay(line, latest);
            }
        }

        // Not FileMode.Append: a stream opened so cannot be cut back below where it opened (DELETE after a restart).
        sink._journal = new FileStream(file, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 4096);
        sink._journal.Seek(0, SeekOrigin.End);
        if (sink._journal.Length > 0 && File.ReadAllBytes(file)[^1] != (byte)'\n')
        {
            // A line torn by the kill stays apart from the next.
            sink._journal.WriteByte((byte)'\n');
        }
        return sink;
    }

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/events", ReceiveAsync);
        app.MapGet("/events/received", (bool? list) => Microsoft.AspNetCore.Http.Results.Json(Read(list == true)));
        app.MapDelete("/events/received", () =>
        {
            Clear();
            return Microsoft.AspNetCore.Http.Results.NoContent();
        });
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        var id = context.Request.Headers["Naqil-Id"].ToString();
        // Read the body as a subscriber would; its content is the publisher's, not needed here.
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        if (id.Length == 0)
        {
            context.Response.StatusCode = 400;
            return;
        }

        var arrival = new Arrival(id, NowMicros());
        lock (_gate)
        {
            _arrivals.Add(arrival);
            _counts[id] = _counts.GetValueOrDefault(id) + 1;
            Append($"a {id} {arrival.AtMicros.ToString(CultureInfo.InvariantCulture)}\n");
        }

        context.Response.StatusCode = 200;
        context.Response.ContentLength = 0;
        await context.Response.CompleteAsync();
        lock (_gate)
        {
            arrival.Acknowledged = true;
            Append($"k {id}\n");
        }
    }

    private Received Read(bool list)
    {
        lock (_gate)
        {
            var acknowledged = _arrivals.Count(a => a.Acknowledged);
            return list
                ? new Received(_arrivals.Count, _counts.Count, acknowledged, [.. _arrivals.Select(a => a.Id)], [.. _arrivals.Select(a => a.AtMicros)], [.. _arrivals.Select(a => a.Acknowledged)])
                : new Received(_arrivals.Count, _counts.Count, acknowledged, null, null, null);
        }
    }

    private void Clear()
    {
        lock (_gate)
        {
            _arrivals.Clear();
            _counts.Clear();
            if (_journal is not null)
            {
                _journal.SetLength(0);
                _journal.Position = 0;
            }
        }
    }

    private void Replay(string line, Dictionary<string, Arrival> latest)
    {
        var parts = line.Split(' ');
        if (parts is ["a", var id, var at] && long.TryParse(at, NumberStyles.Integer, CultureInfo.InvariantCulture, out var micros))
        {
            var arrival = new Arrival(id, micros);
            _arrivals.Add(arrival);
            _counts[id] = _counts.GetValueOrDefault(id) + 1;
            latest[id] = arrival;
        }
        else if (parts is ["k", var acked] && latest.TryGetValue(acked, out var arrival))
        {
            arrival.Acknowledged = true;
        }

        // A torn last line (the kill came mid-write) is neither: it is left out.
    }

    /// <summary>Written through to the kernel at once, under the lock, so the file's order is the arrivals' order.</summary>
    private void Append(string line)
    {
        if (_journal is null)
        {
            return;
        }

        _journal.Write(Encoding.ASCII.GetBytes(line));
        _journal.Flush();
    }

    /// <summary>Wall-clock microseconds since the Unix epoch, the clock the publisher stamps its sends with.</summary>
    internal static long NowMicros() => (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;

    public void Dispose()
    {
        lock (_gate)
        {
            _journal?.Dispose();
        }
    }
}

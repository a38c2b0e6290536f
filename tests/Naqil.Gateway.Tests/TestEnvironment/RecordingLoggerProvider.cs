using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>Keeps every log entry of a host, at every level, for tests that check what an operator would read.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    internal sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message);

    private sealed class Recorder(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider._entries.Enqueue(new Entry(category, logLevel, eventId, formatter(state, exception)));
    }
}

using Microsoft.Extensions.Logging;

namespace Naqil.Agencies.Tests.Postal.Exchange;

/// <summary>A logger that keeps the event ids it was given, and lets a test wait for one to have been logged so many times.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly Lock _lock = new();
    private readonly List<int> _events = [];
    private readonly List<(int EventId, int Count, TaskCompletionSource Reached)> _waiters = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lock)
        {
            _events.Add(eventId.Id);
            foreach (var waiter in _waiters.Where(w => _events.Count(e => e == w.EventId) >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Returns once <paramref name="eventId"/> was logged <paramref name="count"/> times; fails the test after 10 seconds.</summary>
    public async Task WaitForAsync(int eventId, int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_events.Count(e => e == eventId) >= count)
            {
                return;
            }

            _waiters.Add((eventId, count, reached));
        }

        await reached.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}

using Microsoft.Extensions.Logging;

namespace Vsr.DeviceCheck;

/// <summary>
/// Keeps what one device said while a case ran, with its structured values, and echoes it to the console. The
/// engine reports a provider or precision fallback only in its log, so this is where the check reads them from.
/// </summary>
public sealed class CheckLog(TextWriter echo) : ILoggerFactory
{
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IReadOnlyList<string> Warnings => Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message).ToArray();

    /// <summary>The last value logged under <paramref name="name"/> (a message template's placeholder), if any.</summary>
    public string? LastValue(string name) =>
        Entries.Select(e => e.Values.GetValueOrDefault(name)).LastOrDefault(v => v is not null);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the check keeps its own log");

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_entries)
        {
            _entries.Add(entry);
            echo.WriteLine($"  [{entry.Level}] {entry.Message}");
        }
    }

    private sealed class Logger(CheckLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Where(p => p.Value is not null).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value!.ToString())
                : [];
            owner.Add(new LogEntry(logLevel, formatter(state, exception), values));
        }
    }
}

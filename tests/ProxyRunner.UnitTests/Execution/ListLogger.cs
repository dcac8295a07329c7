using System.Text;
using Microsoft.Extensions.Logging;

namespace RunnerHub.ProxyRunner.UnitTests.Execution;

/// <summary>A logger that keeps every formatted line and exception text.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string All => string.Join("\n", Lines);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = new StringBuilder().Append(eventId.Id).Append(' ').Append(formatter(state, exception));
        if (exception is not null)
        {
            line.Append(' ').Append(exception);
        }

        lock (_lines)
        {
            _lines.Add(line.ToString());
        }
    }
}

using Hangfire.Logging;
using HangfireLogLevel = Hangfire.Logging.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// Hangfire's log provider is process-wide and holds on to what it is given. Handing it a node's
/// <see cref="ILoggerFactory"/> directly (Hangfire's <c>AspNetCoreLogProvider</c>) breaks Hangfire
/// once that factory is disposed: every later logger it creates throws. This provider forwards to
/// the factory of the most recently started node that is still running, and drops the line when
/// there is none.
/// </summary>
internal sealed partial class HangfireLogProvider : ILogProvider
{
    public static readonly HangfireLogProvider Instance = new();

    private readonly Lock _gate = new();
    private readonly List<ILoggerFactory> _factories = [];

    private HangfireLogProvider()
    {
    }

    public void Attach(ILoggerFactory factory)
    {
        lock (_gate)
        {
            _factories.Remove(factory);
            _factories.Add(factory);
        }
    }

    public void Detach(ILoggerFactory factory)
    {
        lock (_gate)
        {
            _factories.Remove(factory);
        }
    }

    public ILog GetLogger(string name) => new ForwardingLog(this, name);

    private ILogger? Logger(string name)
    {
        ILoggerFactory? factory;
        lock (_gate)
        {
            factory = _factories.Count > 0 ? _factories[^1] : null;
        }

        try
        {
            return factory?.CreateLogger(name);
        }
        catch (ObjectDisposedException)
        {
            // The node is stopping and has not detached yet.
            return null;
        }
    }

    private static LogLevel ToLogLevel(HangfireLogLevel level) => level switch
    {
        HangfireLogLevel.Trace => LogLevel.Trace,
        HangfireLogLevel.Debug => LogLevel.Debug,
        HangfireLogLevel.Info => LogLevel.Information,
        HangfireLogLevel.Warn => LogLevel.Warning,
        HangfireLogLevel.Error => LogLevel.Error,
        HangfireLogLevel.Fatal => LogLevel.Critical,
        _ => LogLevel.None,
    };

    // Hangfire formats its own messages; they are passed on as they are.
    [LoggerMessage(EventId = 2490, Message = "{Message}")]
    private static partial void Forward(ILogger logger, LogLevel level, string message, Exception? exception);

    private sealed class ForwardingLog(HangfireLogProvider provider, string name) : ILog
    {
        public bool Log(HangfireLogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var logger = provider.Logger(name);
            var level = ToLogLevel(logLevel);
            if (logger is null || !logger.IsEnabled(level))
            {
                return false;
            }

            // A null message asks only whether the level is enabled.
            if (messageFunc is not null)
            {
                Forward(logger, level, messageFunc(), exception);
            }

            return true;
        }
    }
}

using System.Reflection;
using Microsoft.Extensions.Logging;
using RunnerHub.Orchestrator.Dispatch;

namespace RunnerHub.Orchestrator.UnitTests.Diagnostics;

/// <summary>Operators grep logs and alert by event id (docs/runbook.md lists them): one id, one message.</summary>
public sealed class EventIdTests
{
    [Fact]
    public void EveryLogEventId_IsUsedByOneMessageOnly()
    {
        var messages = typeof(Dispatcher).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        var duplicates = messages
            .GroupBy(m => m.Attribute!.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Method.DeclaringType?.Name}.{m.Method.Name}"))}")
            .ToList();

        Assert.True(messages.Count > 50, $"only {messages.Count} log messages found: is the scan broken?");
        Assert.True(duplicates.Count == 0, "event ids used twice: " + string.Join("; ", duplicates));
    }
}

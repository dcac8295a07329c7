using Npgsql;

namespace RunnerHub.Orchestrator.Leadership;

/// <summary>
/// Work only the leader does, run by <see cref="LeaderTaskRunner"/> every <see cref="Interval"/>
/// while this node leads. Each run must be small and idempotent, and every PostgreSQL write it
/// makes goes through <see cref="LeaderTaskContext.FencedAsync{T}"/>.
/// </summary>
internal interface ILeaderTask
{
    /// <summary>The task's name: its fence row, its log lines.</summary>
    string Name { get; }

    /// <summary>How long between the end of one run and the start of the next.</summary>
    TimeSpan Interval { get; }

    Task RunAsync(LeaderTaskContext context, CancellationToken cancellationToken);
}

/// <summary>One run of a leader task under one term: its token and the fence to write through.</summary>
internal sealed class LeaderTaskContext(string task, string nodeId, long token, LeaderFence fence)
{
    public long Token => token;

    /// <summary>Runs writes in a transaction that PostgreSQL refuses (<see cref="FencedOutException"/>) when a newer leader exists.</summary>
    public ValueTask<T> FencedAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken) =>
        fence.RunAsync(task, token, nodeId, work, cancellationToken);
}

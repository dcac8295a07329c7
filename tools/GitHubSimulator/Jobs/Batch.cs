namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>A <c>POST /jobs</c> batch and its progress (<c>GET /batches/{id}</c>).</summary>
internal sealed class Batch(long id, long firstJobId, int count, double rate, DateTimeOffset startedAt)
{
    private int _created;
    private int _state;

    public long Id { get; } = id;

    public long FirstJobId { get; } = firstJobId;

    public int Count { get; } = count;

    public int Created => Volatile.Read(ref _created);

    /// <summary><c>running</c>, <c>finished</c> (every job created) or <c>cancelled</c> (by a reset or shutdown).</summary>
    public string State => Volatile.Read(ref _state) switch { 1 => "finished", 2 => "cancelled", _ => "running" };

    public void JobCreated() => Interlocked.Increment(ref _created);

    public void Finish(bool cancelled) => Volatile.Write(ref _state, cancelled ? 2 : 1);

    public BatchView View(TimeProvider time) =>
        new(Id, Count, Created, State, FirstJobId, FirstJobId + Count - 1, rate, startedAt, (time.GetUtcNow() - startedAt).TotalMilliseconds);
}

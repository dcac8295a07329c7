namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>Whether this node has brought the schema up to date; nothing touches tables before.</summary>
internal sealed class SchemaState
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public IReadOnlyList<string> Applied { get; private set; } = [];

    public void MarkReady(IReadOnlyList<string> applied)
    {
        Applied = applied;
        _ready.TrySetResult();
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);
}

namespace RunnerHub.ProxyRunner.Connection;

/// <summary>What this runner knows about its link to the orchestrators; read by health checks and the dispatch path.</summary>
internal sealed class RunnerState
{
    private volatile bool _connected;
    private volatile bool _draining;
    private volatile string? _nodeId;

    /// <summary>True while the hub connection is up and this runner has announced itself on it.</summary>
    public bool Connected => _connected;

    /// <summary>True while an operator wants this runner to take no new work.</summary>
    public bool Draining => _draining;

    /// <summary>The orchestrator this runner is connected to, when connected.</summary>
    public string? NodeId => _nodeId;

    public void Announced(string nodeId, bool draining)
    {
        _nodeId = nodeId;
        _draining = draining;
        _connected = true;
    }

    public void Lost()
    {
        _connected = false;
        _nodeId = null;
    }

    public void SetDraining(bool draining) => _draining = draining;
}

namespace RunnerHub.Bench.RunnerHubScenarios;

/// <summary>Scenario 4, one point: dispatch at a steady rate with <see cref="Waiting"/> jobs queued for labels no runner has, or with <see cref="Slots"/> runner slots connected.</summary>
internal sealed record GrowthPoint(int? Waiting, int? Slots, DispatchResult Dispatch);

/// <summary>Scenario 4: dispatch latency as the backlog grows (<c>growth-backlog</c>), or as the fleet does (one <c>dispatch</c> per slot count, merged by the report).</summary>
internal sealed record GrowthResult(IReadOnlyList<GrowthPoint> Backlog, int BacklogFilled, int BacklogCleared);

namespace RunnerHub.GitHubSimulator.Faults;

/// <summary>
/// The current fault switches and the one seeded random generator every fault decision draws
/// from. Thread-safe: decisions are taken under a lock, so a sequential caller (a job batch)
/// sees a repeatable sequence for a given seed.
/// </summary>
internal sealed class FaultState
{
    private readonly Lock _gate = new();
    private FaultSettings _settings = FaultSettings.None;
    private Random _random = new();

    public FaultSettings Current
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }
    }

    public void Replace(FaultSettings settings)
    {
        lock (_gate)
        {
            _settings = settings;
#pragma warning disable CA5394 // Simulated faults, not security: a seeded, repeatable generator is the point.
            _random = settings.Seed is { } seed ? new Random(seed) : new Random();
#pragma warning restore CA5394
        }
    }

    public void Reset() => Replace(FaultSettings.None);

    /// <summary>What happens to one webhook: decided once, when it is created.</summary>
    public WebhookFaults DecideWebhook()
    {
        lock (_gate)
        {
            var s = _settings;
            var drop = Chance(s.DropRate);
            var duplicate = !drop && Chance(s.DuplicateRate);
            return new WebhookFaults(drop, duplicate, TimeSpan.FromMilliseconds(s.DelayMs), s.Reorder);
        }
    }

    /// <summary>What happens to one API call.</summary>
    public ApiFault DecideApiCall()
    {
        lock (_gate)
        {
            var s = _settings;
            if (s.RateLimited)
            {
                return ApiFault.RateLimited;
            }

            if (s.ApiFailureRate <= 0 && s.ApiLostReplyRate <= 0)
            {
                return ApiFault.None;
            }

#pragma warning disable CA5394 // Simulated faults, not security.
            var roll = _random.NextDouble();
#pragma warning restore CA5394
            return roll < s.ApiFailureRate ? ApiFault.Fail
                : roll < s.ApiFailureRate + s.ApiLostReplyRate ? ApiFault.LoseReply
                : ApiFault.None;
        }
    }

    /// <summary>Shuffles <paramref name="items"/> in place with the seeded generator.</summary>
    public void Shuffle<T>(T[] items)
    {
        lock (_gate)
        {
#pragma warning disable CA5394 // Simulated faults, not security.
            _random.Shuffle(items);
#pragma warning restore CA5394
        }
    }

    private bool Chance(double rate) =>
#pragma warning disable CA5394 // Simulated faults, not security.
        rate > 0 && (rate >= 1 || _random.NextDouble() < rate);
#pragma warning restore CA5394
}

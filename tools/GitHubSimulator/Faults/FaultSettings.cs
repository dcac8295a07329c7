namespace RunnerHub.GitHubSimulator.Faults;

/// <summary>
/// The fault switches (<c>PUT /_simulator/faults</c>). A PUT replaces them all: a field left out
/// is off. Every random decision comes from one generator seeded with <see cref="Seed"/>, so a
/// run with the same seed and the same calls in the same order decides the same way.
/// </summary>
internal sealed record FaultSettings
{
    /// <summary>Share of webhooks (0..1) never sent; their jobs still exist and are counted as created.</summary>
    public double DropRate { get; init; }

    /// <summary>Share of webhooks (0..1) sent twice, at the same time, with the same delivery id and body.</summary>
    public double DuplicateRate { get; init; }

    /// <summary>Extra delay before each webhook is sent, in milliseconds.</summary>
    public int DelayMs { get; init; }

    /// <summary>Buffer up to this many webhooks and send them shuffled (0 = in order).</summary>
    public int Reorder { get; init; }

    /// <summary>Started runners never get a job: <c>run.sh</c> waits its whole wait and ends with no job.</summary>
    public bool RunnerNeverGetsJob { get; init; }

    /// <summary>
    /// How long a started runner takes to boot and connect before it looks for a job, in
    /// milliseconds (a real <c>actions/runner</c> takes seconds). A runner killed in that time
    /// never took a job, so the job stays queued for another runner.
    /// </summary>
    public int RunnerStartMs { get; init; }

    /// <summary>Share of API calls (0..1) answered 502 without doing anything.</summary>
    public double ApiFailureRate { get; init; }

    /// <summary>Share of API calls (0..1) that do their work but answer 502: the reply is lost, the write happened.</summary>
    public double ApiLostReplyRate { get; init; }

    /// <summary>Every API call is refused with <see cref="RateLimitStatus"/> and <c>retry-after</c>.</summary>
    public bool RateLimited { get; init; }

    /// <summary>Status of a rate-limited answer: 403 or 429 (GitHub uses both). Default 429.</summary>
    public int RateLimitStatus { get; init; } = 429;

    /// <summary>The <c>retry-after</c> seconds of a rate-limited answer. Default 60.</summary>
    public int RetryAfterSeconds { get; init; } = 60;

    /// <summary>Seed of the random decisions; none = a fresh random seed.</summary>
    public int? Seed { get; init; }

    public static FaultSettings None { get; } = new();

    /// <summary>Every problem with these settings, by field, for a 400 validation problem.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        Rate(errors, "dropRate", DropRate);
        Rate(errors, "duplicateRate", DuplicateRate);
        Rate(errors, "apiFailureRate", ApiFailureRate);
        Rate(errors, "apiLostReplyRate", ApiLostReplyRate);
        if (ApiFailureRate + ApiLostReplyRate > 1)
        {
            errors["apiLostReplyRate"] = ["apiFailureRate + apiLostReplyRate must not exceed 1."];
        }

        if (DelayMs is < 0 or > 600_000)
        {
            errors["delayMs"] = ["must be between 0 and 600000."];
        }

        if (RunnerStartMs is < 0 or > 600_000)
        {
            errors["runnerStartMs"] = ["must be between 0 and 600000."];
        }

        if (Reorder is < 0 or > 10_000)
        {
            errors["reorder"] = ["must be between 0 and 10000."];
        }

        if (RateLimitStatus is not (403 or 429))
        {
            errors["rateLimitStatus"] = ["must be 403 or 429."];
        }

        if (RetryAfterSeconds is < 0 or > 86_400)
        {
            errors["retryAfterSeconds"] = ["must be between 0 and 86400."];
        }

        return errors;
    }

    private static void Rate(Dictionary<string, string[]> errors, string name, double value)
    {
        if (double.IsNaN(value) || value is < 0 or > 1)
        {
            errors[name] = ["must be between 0 and 1."];
        }
    }
}

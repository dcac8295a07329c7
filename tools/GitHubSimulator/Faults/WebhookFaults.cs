namespace RunnerHub.GitHubSimulator.Faults;

/// <summary>The fault decisions for one webhook, fixed when it is created.</summary>
internal sealed record WebhookFaults(bool Drop, bool Duplicate, TimeSpan Delay, int Reorder)
{
    public static WebhookFaults None { get; } = new(false, false, TimeSpan.Zero, 0);
}

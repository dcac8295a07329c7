namespace RunnerHub.GitHubSimulator.Webhooks;

internal static class DeliveryStates
{
    public const string Dropped = "dropped";
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

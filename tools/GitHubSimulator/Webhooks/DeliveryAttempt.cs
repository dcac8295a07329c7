namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary>One HTTP request of a delivery: the status it got, or why it got none.</summary>
internal sealed record DeliveryAttempt(DateTimeOffset At, int? StatusCode, string? Error, double ElapsedMs)
{
    public bool Answered2xx => StatusCode is >= 200 and < 300;

    /// <summary>The <c>byStatus</c> key: the status code, or <c>timeout</c> / <c>error</c> when nothing came back.</summary>
    public string StatusKey => StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? (Error == "timeout" ? "timeout" : "error");
}

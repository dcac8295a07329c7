namespace RunnerHub.Orchestrator.UnitTests;

/// <summary>Real GitHub payloads (octokit/webhooks, MIT), copied into <c>Payloads/</c> and shipped beside the test assembly.</summary>
internal static class SharedPayloads
{
    public static byte[] Read(string relativePath) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Payloads", relativePath));
}

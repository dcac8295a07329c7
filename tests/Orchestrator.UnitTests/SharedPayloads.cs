namespace RunnerHub.Orchestrator.UnitTests;

/// <summary>The real GitHub payloads (octokit/webhooks, MIT) in <c>../shared/github-webhooks/</c> beside the checkout.</summary>
internal static class SharedPayloads
{
    public static byte[] Read(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RunnerHub.sln")))
            {
                return File.ReadAllBytes(Path.Combine(dir.FullName, "..", "shared", "github-webhooks", relativePath));
            }
        }

        throw new InvalidOperationException("RunnerHub.sln not found above the test assembly");
    }
}

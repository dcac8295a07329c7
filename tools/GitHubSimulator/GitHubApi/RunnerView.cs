using System.Security.Cryptography;
using System.Text;
using RunnerHub.GitHubSimulator.Runners;

namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>A self-hosted runner as the GitHub API returns it.</summary>
internal sealed record RunnerView(long Id, long RunnerGroupId, string Name, string Os, string Status, bool Busy, bool Ephemeral, IReadOnlyList<RunnerLabelView> Labels)
{
    // GitHub's default labels (self-hosted, OS, architecture) are read-only; the rest are custom.
    private static readonly HashSet<string> ReadOnlyLabels = new(["self-hosted", "linux", "windows", "macos", "x64", "arm", "arm64"], StringComparer.OrdinalIgnoreCase);

    public static RunnerView From(RunnerSnapshot runner) => new(
        runner.Id,
        1,
        runner.Name,
        "linux",
        runner.Status,
        runner.Busy,
        true,
        [.. runner.Labels.Select(l => new RunnerLabelView(LabelId(l), l, ReadOnlyLabels.Contains(l) ? "read-only" : "custom"))]);

    private static long LabelId(string label) =>
        BitConverter.ToUInt16(SHA256.HashData(Encoding.UTF8.GetBytes(label.ToLowerInvariant())).AsSpan(0, 2)) + 1;
}

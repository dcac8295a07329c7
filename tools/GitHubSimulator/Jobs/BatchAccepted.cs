namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>
/// The 202 answer to <c>POST /jobs</c>. Job ids are consecutive, <see cref="FirstJobId"/> to
/// <see cref="LastJobId"/>; <see cref="JobIds"/> lists at most the first 1000.
/// </summary>
internal sealed record BatchAccepted(long BatchId, int Count, long FirstJobId, long LastJobId, IReadOnlyList<long> JobIds, bool JobIdsTruncated);

using System.Text.Json.Serialization;

namespace RunnerHub.Orchestrator.GitHub;

internal sealed record JitConfigRequest(string Name, long RunnerGroupId, IReadOnlyList<string> Labels, string WorkFolder);

internal sealed record JitConfigResponse(JitRunner? Runner, string? EncodedJitConfig);

internal sealed record JitRunner(long Id, string? Name);

internal sealed record RunnerListResponse(int TotalCount, IReadOnlyList<JitRunner>? Runners);

internal sealed record JobResponse(long Id, string? Status, string? Conclusion, string? RunnerName);

internal sealed record InstallationResponse(long Id);

internal sealed record AccessTokenResponse(string Token, DateTimeOffset ExpiresAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(JitConfigRequest))]
[JsonSerializable(typeof(JitConfigResponse))]
[JsonSerializable(typeof(JobResponse))]
[JsonSerializable(typeof(RunnerListResponse))]
[JsonSerializable(typeof(InstallationResponse))]
[JsonSerializable(typeof(AccessTokenResponse))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext;

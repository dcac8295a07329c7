namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>The 201 answer of generate-jitconfig: <c>{"runner": {…}, "encoded_jit_config": "…"}</c>.</summary>
internal sealed record JitConfigResponse(RunnerView Runner, string EncodedJitConfig);

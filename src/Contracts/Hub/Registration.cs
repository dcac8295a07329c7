namespace RunnerHub.Contracts.Hub;

/// <summary>Body of <c>POST /api/runners/register</c>.</summary>
/// <param name="Token">A registration token an operator created.</param>
/// <param name="Name">The runner's unique name; registering an existing name again rotates its credential and keeps its id.</param>
/// <param name="Labels">The labels it serves.</param>
/// <param name="Slots">How many jobs it runs at once.</param>
public sealed record RegisterRunnerRequest(string Token, string Name, IReadOnlyList<string> Labels, int Slots);

/// <summary>Answer of <c>POST /api/runners/register</c>: keep both; the credential is shown once.</summary>
/// <param name="RunnerId">The runner's id.</param>
/// <param name="Credential">The secret the runner authenticates with (bearer token on the hub).</param>
public sealed record RegisterRunnerResponse(Guid RunnerId, string Credential);

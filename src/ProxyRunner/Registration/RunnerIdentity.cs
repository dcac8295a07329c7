namespace RunnerHub.ProxyRunner.Registration;

/// <summary>Who this runner is to the orchestrators: kept in <c>identity.json</c> so a restart keeps it.</summary>
internal sealed record RunnerIdentity(Guid RunnerId, string Name, string Credential);

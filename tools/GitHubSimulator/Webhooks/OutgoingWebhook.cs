namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary>A delivery on its way: the exact bytes and signatures, fixed once so a duplicate is byte-identical.</summary>
internal sealed record OutgoingWebhook(DeliveryRecord Record, byte[] Body, string Signature256, string Signature1, int Generation);

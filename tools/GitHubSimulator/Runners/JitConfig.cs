using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunnerHub.GitHubSimulator.Runners;

/// <summary>
/// The <c>encoded_jit_config</c> string. Shaped like GitHub's (base64 of a JSON object holding the
/// base64 of the runner's <c>.runner</c>, <c>.credentials</c> and <c>.credentials_rsaparams</c>
/// files) and opaque to RunnerHub: only the simulator reads it back, to find the runner and check
/// the secret inside. Never logged.
/// </summary>
internal static class JitConfig
{
    private const string SecretField = "simulatorSecret";

    public static string Encode(long runnerId, string runnerName, RunnerScope scope, string workFolder, byte[] secret)
    {
        var runner = new JsonObject
        {
            ["agentId"] = runnerId,
            ["agentName"] = runnerName,
            ["poolId"] = 1,
            ["poolName"] = "Default",
            ["serverUrl"] = "http://github-simulator.invalid/_apis/pipelines",
            ["gitHubUrl"] = scope.GitHubUrl,
            ["workFolder"] = workFolder,
            ["ephemeral"] = true,
            ["useV2Flow"] = true,
        };
        var credentials = new JsonObject
        {
            ["scheme"] = "OAuth",
            ["data"] = new JsonObject
            {
                ["clientId"] = Guid.NewGuid().ToString(),
                ["authorizationUrl"] = "http://github-simulator.invalid/_apis/oauth2/token",
                ["requireFipsCryptography"] = "False",
                [SecretField] = Convert.ToBase64String(secret),
            },
        };
        var rsa = new JsonObject { ["note"] = "simulated runner: there is no key", ["d"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)) };
        var outer = new JsonObject
        {
            [".runner"] = Base64(runner),
            [".credentials"] = Base64(credentials),
            [".credentials_rsaparams"] = Base64(rsa),
        };
        return Base64(outer);
    }

    /// <summary>The runner id and secret inside a config, or false when it is not one of ours.</summary>
    public static bool TryDecode(string? encoded, out long runnerId, out byte[] secret)
    {
        runnerId = 0;
        secret = [];
        if (string.IsNullOrWhiteSpace(encoded) || encoded.Length > 64 * 1024)
        {
            return false;
        }

        try
        {
            var outer = Parse(encoded);
            var runner = Parse(outer?[".runner"]?.GetValue<string>());
            var credentials = Parse(outer?[".credentials"]?.GetValue<string>());
            if (runner?["agentId"]?.GetValue<long>() is not { } id || credentials?["data"]?[SecretField]?.GetValue<string>() is not { } key)
            {
                return false;
            }

            runnerId = id;
            secret = Convert.FromBase64String(key);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Base64(JsonNode node) => Convert.ToBase64String(Encoding.UTF8.GetBytes(node.ToJsonString()));

    private static JsonNode? Parse(string? base64) =>
        base64 is null ? null : JsonNode.Parse(Convert.FromBase64String(base64));
}

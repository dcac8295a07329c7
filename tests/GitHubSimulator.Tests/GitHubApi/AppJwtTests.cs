using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RunnerHub.GitHubSimulator.Tests.GitHubApi;

/// <summary>
/// With <c>Simulator:AppPublicKeyPath</c>, App JWTs are verified as GitHub verifies them, and the
/// installation tokens issued are counted with the calls each one authenticated.
/// </summary>
public sealed class AppJwtTests : IDisposable
{
    private const long AppId = 4242;
    private readonly RSA _appKey = RSA.Create(2048);
    private readonly string _directory = Directory.CreateTempSubdirectory("simulator-app-key-").FullName;

    public void Dispose()
    {
        _appKey.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AccessToken_IsIssuedForAJwtSignedWithTheAppsKey_AndCallsWithItAreCounted()
    {
        await using var host = await StartAsync();

        using var created = await PostAccessTokenAsync(host, Jwt(_appKey));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
        foreach (var credential in new[] { token, token, "ghp_not-issued-here" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/repos/octo-org/octo-repo/actions/runners");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
            using var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var issued = await IssuedAsync(host);
        Assert.True((bool)issued["jwtVerified"]!);
        Assert.Equal(1, (int)issued["issued"]!);
        var only = issued["tokens"]!.AsArray().Single()!;
        Assert.Equal(2, (int)only["calls"]!);
        Assert.Equal(1L, (long)only["installationId"]!);
        Assert.DoesNotContain(token, issued.ToJsonString(), StringComparison.Ordinal);

        using var reset = await host.Client.DeleteAsync("/_simulator/state");
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(0, (int)(await IssuedAsync(host))["issued"]!);
    }

    [Fact]
    public async Task AccessToken_Is401_ForJwtsGitHubWouldRefuse()
    {
        await using var host = await StartAsync();
        using var otherKey = RSA.Create(2048);
        var now = DateTimeOffset.UtcNow;
        var refused = new (string What, string Jwt, string Reason)[]
        {
            ("signed with another key", Jwt(otherKey), "signature"),
            ("another app's id", Jwt(_appKey, iss: "4243"), "'iss'"),
            ("issued in the future", Jwt(_appKey, iat: now.AddMinutes(2)), "'iat'"),
            ("expired", Jwt(_appKey, iat: now.AddMinutes(-12), exp: now.AddMinutes(-1)), "representing the future"),
            ("expires more than 10 minutes ahead", Jwt(_appKey, exp: now.AddMinutes(11)), "too far in the future"),
            ("not RS256", Jwt(_appKey, alg: "HS256"), "RS256"),
            ("signature stripped", string.Join('.', Jwt(_appKey).Split('.')[..2]) + ".AAAA", "signature"),
        };

        foreach (var (what, jwt, reason) in refused)
        {
            using var response = await PostAccessTokenAsync(host, jwt);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized && body.Contains(reason, StringComparison.Ordinal), $"{what}: answered {(int)response.StatusCode} {body}");
        }

        Assert.Equal(0, (int)(await IssuedAsync(host))["issued"]!);
    }

    [Fact]
    public async Task AccessToken_AcceptsAnyJwtShape_WhenNoKeyIsConfigured()
    {
        await using var host = await SimulatorHost.StartAsync();
        using var otherKey = RSA.Create(2048);

        using var response = await PostAccessTokenAsync(host, Jwt(otherKey, iss: "999"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False((bool)(await IssuedAsync(host))["jwtVerified"]!);
    }

    [Fact]
    public void Validate_ReportsAnAppKeyFileThatIsMissingOrNotAKey()
    {
        var notAKey = Path.Combine(_directory, "not-a-key.pem");
        File.WriteAllText(notAKey, "-----BEGIN PUBLIC KEY-----\nbm9wZQ==\n-----END PUBLIC KEY-----\n");
        var validator = new SimulatorOptionsValidator();

        var missing = validator.Validate(null, new SimulatorOptions { WebhookSecret = "s", AppPublicKeyPath = Path.Combine(_directory, "absent.pem") });
        var garbage = validator.Validate(null, new SimulatorOptions { WebhookSecret = "s", AppPublicKeyPath = notAKey });
        var good = validator.Validate(null, new SimulatorOptions { WebhookSecret = "s", AppPublicKeyPath = WritePublicKey() });

        Assert.Contains("AppPublicKeyPath", Assert.Single(missing.Failures!), StringComparison.Ordinal);
        Assert.Contains("no RSA key", Assert.Single(garbage.Failures!), StringComparison.Ordinal);
        Assert.True(good.Succeeded, good.FailureMessage);
    }

    private Task<SimulatorHost> StartAsync() =>
        SimulatorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Simulator:AppId"] = AppId.ToString(CultureInfo.InvariantCulture),
            ["Simulator:AppPublicKeyPath"] = WritePublicKey(),
        });

    /// <summary>The App's public key as GitHub keeps it (SubjectPublicKeyInfo PEM).</summary>
    private string WritePublicKey()
    {
        var path = Path.Combine(_directory, "app.pub.pem");
        File.WriteAllText(path, _appKey.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    private static async Task<HttpResponseMessage> PostAccessTokenAsync(SimulatorHost host, string jwt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/app/installations/1/access_tokens");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        return await host.Client.SendAsync(request);
    }

    private static async Task<JsonObject> IssuedAsync(SimulatorHost host) =>
        (await host.Client.GetFromJsonAsync<JsonObject>("/_simulator/installation-tokens"))!;

    /// <summary>An App JWT built by hand (RFC 7519), as GitHub's docs describe it: iat 60 s back, exp 9 minutes ahead.</summary>
    private static string Jwt(RSA key, string iss = "4242", DateTimeOffset? iat = null, DateTimeOffset? exp = null, string alg = "RS256")
    {
        var now = DateTimeOffset.UtcNow;
        var header = Base64Url(Encoding.UTF8.GetBytes($$"""{"alg":"{{alg}}","typ":"JWT"}"""));
        var payload = Base64Url(Encoding.UTF8.GetBytes(
            $$"""{"iss":"{{iss}}","iat":{{(iat ?? now.AddSeconds(-60)).ToUnixTimeSeconds()}},"exp":{{(exp ?? now.AddMinutes(9)).ToUnixTimeSeconds()}}}"""));
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

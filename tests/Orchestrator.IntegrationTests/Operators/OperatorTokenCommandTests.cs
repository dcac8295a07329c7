using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using RunnerHub.Orchestrator.Operators;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Operators;

[Collection(InfrastructureGroup.Name)]
public sealed class OperatorTokenCommandTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task Create_PrintsATokenThatWorksAsBearer_AndRevokeMakesItFail()
    {
        var name = $"cli-{Guid.NewGuid():N}";
        var (code, stdout, stderr) = await RunAsync("create", "--name", name);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        var token = stdout.Trim();
        Assert.StartsWith("rho_", token, StringComparison.Ordinal);
        Assert.Contains("shown only this once", stderr, StringComparison.Ordinal);

        (code, stdout, _) = await RunAsync("list", "--json");
        Assert.Equal(0, code);
        Assert.Contains($"\"name\":\"{name}\",\"status\":\"active\"", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(token, stdout, StringComparison.Ordinal);

        await using (var node = new OrchestratorFactory(infra, "orchestrator-cli-1"))
        {
            var client = await node.CreateReadyClientAsync();
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/api/queues", token));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/api/queues", token + "x"));
        }

        (code, _, stderr) = await RunAsync("revoke", "--name", name);
        Assert.True(code == 0, $"exit {code}: {stderr}");

        // A node that has not cached the token refuses it at once (one that has, within 30 s).
        await using (var node = new OrchestratorFactory(infra, "orchestrator-cli-2"))
        {
            var client = await node.CreateReadyClientAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/api/queues", token));
        }

        (code, _, stderr) = await RunAsync("revoke", "--name", name);
        Assert.Equal(1, code);
        Assert.Contains("no active operator token", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateWithTokenFile_IsIdempotent_AndRefusesATokenUnderAnotherName()
    {
        var name = $"file-{Guid.NewGuid():N}";
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
            var (code, stdout, stderr) = await RunAsync("create", "--name", name, "--token-file", file);
            Assert.True(code == 0, $"exit {code}: {stderr}");
            Assert.Equal("", stdout);
            Assert.Contains("Registered", stderr, StringComparison.Ordinal);

            (code, _, stderr) = await RunAsync("create", "--name", name, "--token-file", file);
            Assert.True(code == 0, $"exit {code}: {stderr}");
            Assert.Contains("already registered", stderr, StringComparison.Ordinal);

            (code, _, stderr) = await RunAsync("create", "--name", name + "-2", "--token-file", file);
            Assert.Equal(1, code);
            Assert.Contains("another name", stderr, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, "short");
            (code, _, _) = await RunAsync("create", "--name", name, "--token-file", file);
            Assert.Equal(1, code);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("operator-token")]
    [InlineData("operator-token", "create")]
    [InlineData("operator-token", "create", "--name", "has space")]
    [InlineData("operator-token", "revoke")]
    [InlineData("operator-token", "frobnicate")]
    [InlineData("operator-token", "list", "--bogus")]
    public async Task UsageErrors_Exit2_WithoutTouchingTheDatabase(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(2, await OperatorTokenCommand.RunAsync(args, stdout, stderr, configuration: null));
        Assert.Contains("--help", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOrchestratorBinary_RunsTheCommand_BeforeTheWebHost()
    {
        var (code, stdout, stderr) = await RunBinaryAsync(new Dictionary<string, string>(), "operator-token", "--help");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("operator-token <command>", stdout, StringComparison.Ordinal);

        var name = $"binary-{Guid.NewGuid():N}";
        (code, stdout, stderr) = await RunBinaryAsync(new Dictionary<string, string> { ["Postgres__ConnectionString"] = infra.PostgresUri }, "operator-token", "create", "--name", name);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.StartsWith("rho_", stdout.Trim(), StringComparison.Ordinal);

        (code, _, stderr) = await RunBinaryAsync(new Dictionary<string, string> { ["Postgres__ConnectionString"] = "" }, "operator-token", "list");
        Assert.Equal(2, code);
        Assert.Contains("Postgres:ConnectionString is required", stderr, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await OperatorTokenCommand.RunAsync(["operator-token", .. args], stdout, stderr, infra.Configuration("operator-cli"));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunBinaryAsync(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Repository.Root,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

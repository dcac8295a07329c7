using System.Text.Json;
using Microsoft.Extensions.Options;

namespace RunnerHub.ProxyRunner.Registration;

/// <summary><c>{StateDirectory}/identity.json</c>, readable by its owner only: it holds the credential.</summary>
internal sealed class RunnerIdentityStore(IOptions<RunnerOptions> options)
{
    private string Path => System.IO.Path.Combine(options.Value.StateDirectory, "identity.json");

    /// <summary>The stored identity, or null when there is none for this runner's name.</summary>
    public async Task<RunnerIdentity?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        await using var stream = File.OpenRead(Path);
        var identity = await JsonSerializer.DeserializeAsync<RunnerIdentity>(stream, cancellationToken: cancellationToken);
        return identity?.Name == options.Value.Name ? identity : null;
    }

    public async Task SaveAsync(RunnerIdentity identity, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Value.StateDirectory);
        var temporary = Path + ".tmp";
        await using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            await JsonSerializer.SerializeAsync(stream, identity, cancellationToken: cancellationToken);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}

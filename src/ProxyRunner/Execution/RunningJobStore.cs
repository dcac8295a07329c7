using System.Globalization;
using System.Text.Json;

namespace RunnerHub.ProxyRunner.Execution;

/// <summary>The directory of <see cref="RunningJobState"/> files, one per running job.</summary>
internal sealed class RunningJobStore(string directory)
{
    private const string Extension = ".json";
    private const string TemporaryExtension = ".json.tmp";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Directory { get; } = directory;

    public string PathFor(long jobId, int attempt) =>
        Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{jobId}-{attempt}{Extension}"));

    /// <summary>Writes the state whole or not at all (temporary file, then rename), readable by this user only.</summary>
    public async Task WriteAsync(RunningJobState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = PathFor(state.JobId, state.Attempt);
        var temporary = path[..^Extension.Length] + TemporaryExtension;
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        await using (var file = new FileStream(temporary, options))
        {
            await JsonSerializer.SerializeAsync(file, state, Json, cancellationToken);
            await file.FlushAsync(cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public void Delete(long jobId, int attempt) => File.Delete(PathFor(jobId, attempt));

    /// <summary>
    /// Every state file, parsed; a file that cannot be parsed comes back with a null state.
    /// Half-written temporary files of a run that died while writing are deleted.
    /// </summary>
    public async Task<IReadOnlyList<(string Path, RunningJobState? State)>> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        foreach (var temporary in System.IO.Directory.EnumerateFiles(Directory, "*" + TemporaryExtension))
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Harmless: it is never read.
            }
        }

        var found = new List<(string, RunningJobState?)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            RunningJobState? state;
            try
            {
                await using var file = File.OpenRead(path);
                state = await JsonSerializer.DeserializeAsync<RunningJobState>(file, Json, cancellationToken);
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                state = null;
            }

            found.Add((path, state));
        }

        return found;
    }
}

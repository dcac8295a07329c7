using System.Text;

namespace RunnerHub.ProxyRunner.Execution;

/// <summary>
/// One job's log file: RunnerHub's own header and footer lines around whatever the process
/// writes to stdout and stderr, interleaved as it arrives. Writes never throw: a full disk must
/// not stop the pipes from being drained, or the job would block on its next write.
/// </summary>
internal sealed class JobLog : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private JobLog(string path, FileStream file)
    {
        Path = path;
        _file = file;
    }

    public string Path { get; }

    /// <summary>The first write error, if any; later writes are skipped.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Opens (appends to) the log; throws when it cannot, so the job is not started blind.</summary>
    public static JobLog Open(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            Options = FileOptions.Asynchronous,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
        };
        return new JobLog(path, new FileStream(path, options));
    }

    public Task WriteLineAsync(string line) => WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        await _gate.WaitAsync();
        try
        {
            if (Error is not null)
            {
                return;
            }

            await _file.WriteAsync(bytes);
            // Flushed per chunk so `tail -f` shows the job live.
            await _file.FlushAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            Error = ex;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Copies a process's output stream into the log until it ends or <paramref name="cancellationToken"/> fires.</summary>
    public async Task PumpAsync(Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await WriteAsync(buffer.AsMemory(0, read));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Given up on (a process outside the group still holds the pipe) or the pipe broke.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await _file.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }

        _gate.Dispose();
    }
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RunnerHub.Bench.Cli;

/// <summary>How every result file is written: camelCase, indented, nulls kept (a missing figure shows as null).</summary>
internal static class BenchJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Files for people and jq, not HTML: keep '+' and '→' readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> (atomically), or to stdout when there is none.</summary>
    public static async Task WriteAsync<T>(T value, string? path, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(value, Options);
        if (string.IsNullOrEmpty(path))
        {
            Console.WriteLine(json);
            return;
        }

        var tmp = path + ".tmp";
        await File.WriteAllTextAsync(tmp, json + "\n", cancellationToken);
        File.Move(tmp, path, overwrite: true);
    }
}

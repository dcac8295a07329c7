using System.Globalization;

namespace RunnerHub.Bench.Cli;

/// <summary>
/// <c>--name value</c> options after the command. Every problem is collected, so a bad command line
/// is reported whole; secrets come from files (<c>--…-file</c>), never from the command line,
/// where <c>ps</c> would show them.
/// </summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public List<string> Problems { get; } = [];

    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new BenchArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                parsed.Problems.Add($"unexpected argument '{arg}'");
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                parsed._values[arg[2..eq]] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                parsed._values[arg[2..]] = args[++i];
            }
            else
            {
                parsed.Problems.Add($"{arg} needs a value");
            }
        }

        return parsed;
    }

    public string? Optional(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string Required(string name)
    {
        var value = Optional(name);
        if (string.IsNullOrEmpty(value))
        {
            Problems.Add($"--{name} is required");
        }

        return value ?? string.Empty;
    }

    /// <summary>An absolute http(s) URL; a placeholder (with a problem recorded) when it is missing or not one.</summary>
    public Uri Url(string name)
    {
        var raw = Required(name);
        if (Uri.TryCreate(raw, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return url;
        }

        if (raw.Length > 0)
        {
            Problems.Add($"--{name}: '{raw}' is not an http(s) URL");
        }

        return new Uri("http://invalid.invalid/");
    }

    public int Int(string name, int fallback, int min, int max) =>
        Number(name, fallback, min, max, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null);

    public double Double(string name, double fallback, double min, double max) =>
        Number(name, fallback, min, max, s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null);

    /// <summary>A comma-separated list of numbers, e.g. <c>--rates 50,200,500</c>.</summary>
    public IReadOnlyList<double> Doubles(string name, IReadOnlyList<double> fallback, double min, double max)
    {
        var raw = Optional(name);
        if (raw is null)
        {
            return fallback;
        }

        var values = new List<double>();
        foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max)
            {
                values.Add(v);
            }
            else
            {
                Problems.Add($"--{name}: '{part}' is not a number from {min} to {max}");
            }
        }

        if (values.Count == 0)
        {
            Problems.Add($"--{name} needs at least one value");
        }

        return values;
    }

    /// <summary>The first line of a secret file (<c>--name</c> is its path); empty when the option is not given.</summary>
    public string SecretFile(string name, bool required)
    {
        var path = required ? Required(name) : Optional(name);
        if (string.IsNullOrEmpty(path))
        {
            return string.Empty;
        }

        try
        {
            return File.ReadLines(path).FirstOrDefault()?.Trim() ?? string.Empty;
        }
        catch (IOException ex)
        {
            Problems.Add($"--{name}: cannot read {path}: {ex.Message}");
            return string.Empty;
        }
        catch (UnauthorizedAccessException ex)
        {
            Problems.Add($"--{name}: cannot read {path}: {ex.Message}");
            return string.Empty;
        }
    }

    /// <summary>Adds a problem for every option given that no one asked about (a typo).</summary>
    public void RejectUnknown()
    {
        foreach (var name in _values.Keys.Where(k => !_used.Contains(k)).Order(StringComparer.Ordinal))
        {
            Problems.Add($"unknown option --{name}");
        }
    }

    private T Number<T>(string name, T fallback, T min, T max, Func<string, T?> parse)
        where T : struct, IComparable<T>
    {
        var raw = Optional(name);
        if (raw is null)
        {
            return fallback;
        }

        if (parse(raw) is { } value && value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0)
        {
            return value;
        }

        Problems.Add($"--{name}: '{raw}' is not a number from {min} to {max}");
        return fallback;
    }
}

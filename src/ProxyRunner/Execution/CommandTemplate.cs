using System.Text;

namespace RunnerHub.ProxyRunner.Execution;

/// <summary>
/// A command line split into arguments without a shell, with placeholders replaced per argument
/// after splitting, so no value can add, split or interpret arguments.
/// </summary>
internal sealed class CommandTemplate
{
    public const string RunnerDirectory = "runnerDirectory";
    public const string JitConfig = "jitConfig";
    public const string JobId = "jobId";
    public const string Attempt = "attempt";
    public const string RunnerName = "runnerName";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { RunnerDirectory, JitConfig, JobId, Attempt, RunnerName };

    private CommandTemplate(IReadOnlyList<string> arguments) => Arguments = arguments;

    /// <summary>The arguments before placeholders are replaced; the first is the program.</summary>
    public IReadOnlyList<string> Arguments { get; }

    public static CommandTemplate Parse(string template) =>
        TryParse(template, out var command, out var errors) ? command : throw new FormatException(string.Join(" ", errors));

    public static bool TryParse(string? template, out CommandTemplate command, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var arguments = Split(template ?? "", problems);
        if (problems.Count == 0 && arguments.Count == 0)
        {
            problems.Add("it is empty.");
        }

        foreach (var name in arguments.SelectMany(Placeholders).Distinct(StringComparer.Ordinal))
        {
            if (!Known.Contains(name))
            {
                problems.Add($"{{{name}}} is not a known placeholder (known: {string.Join(", ", Known.Select(k => $"{{{k}}}"))}).");
            }
        }

        if (arguments.Count > 0 && !arguments.SelectMany(Placeholders).Contains(JitConfig, StringComparer.Ordinal))
        {
            problems.Add("it must pass {jitConfig} to the runner.");
        }

        if (arguments.Count > 0 && Placeholders(arguments[0]).Contains(JitConfig, StringComparer.Ordinal))
        {
            // The program name shows up in errors and process listings; the secret must not.
            problems.Add("{jitConfig} must not be part of the program name.");
        }

        command = new CommandTemplate(arguments);
        errors = problems;
        return problems.Count == 0;
    }

    /// <summary>The arguments with every known placeholder replaced; values are inserted as they are, never re-scanned.</summary>
    public IReadOnlyList<string> Render(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return [.. Arguments.Select(argument => Replace(argument, values))];
    }

    private static string Replace(string argument, IReadOnlyDictionary<string, string> values)
    {
        var result = new StringBuilder(argument.Length);
        var i = 0;
        while (i < argument.Length)
        {
            if (TryReadPlaceholder(argument, i, out var name, out var end) && values.TryGetValue(name, out var value))
            {
                result.Append(value);
                i = end;
            }
            else
            {
                result.Append(argument[i]);
                i++;
            }
        }

        return result.ToString();
    }

    private static IEnumerable<string> Placeholders(string argument)
    {
        for (var i = 0; i < argument.Length; i++)
        {
            if (TryReadPlaceholder(argument, i, out var name, out var end))
            {
                yield return name;
                i = end - 1;
            }
        }
    }

    /// <summary>A placeholder is <c>{</c>, one or more ASCII letters, <c>}</c>; anything else is text.</summary>
    private static bool TryReadPlaceholder(string text, int start, out string name, out int end)
    {
        name = "";
        end = start;
        if (text[start] != '{')
        {
            return false;
        }

        var i = start + 1;
        while (i < text.Length && char.IsAsciiLetter(text[i]))
        {
            i++;
        }

        if (i == start + 1 || i >= text.Length || text[i] != '}')
        {
            return false;
        }

        name = text[(start + 1)..i];
        end = i + 1;
        return true;
    }

    private static List<string> Split(string template, List<string> problems)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var inArgument = false;
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (char.IsWhiteSpace(c))
            {
                if (inArgument)
                {
                    arguments.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }

                i++;
                continue;
            }

            inArgument = true;
            switch (c)
            {
                case '\'':
                    var close = template.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        problems.Add($"the single quote at position {i} is never closed.");
                        return arguments;
                    }

                    current.Append(template, i + 1, close - i - 1);
                    i = close + 1;
                    break;
                case '"':
                    if (!ReadDoubleQuoted(template, ref i, current))
                    {
                        problems.Add($"the double quote at position {i} is never closed.");
                        return arguments;
                    }

                    break;
                case '\\' when i + 1 < template.Length:
                    current.Append(template[i + 1]);
                    i += 2;
                    break;
                default:
                    current.Append(c);
                    i++;
                    break;
            }
        }

        if (inArgument)
        {
            arguments.Add(current.ToString());
        }

        return arguments;
    }

    private static bool ReadDoubleQuoted(string template, ref int i, StringBuilder current)
    {
        var j = i + 1;
        while (j < template.Length)
        {
            var c = template[j];
            if (c == '"')
            {
                i = j + 1;
                return true;
            }

            if (c == '\\' && j + 1 < template.Length && template[j + 1] is '"' or '\\')
            {
                current.Append(template[j + 1]);
                j += 2;
                continue;
            }

            current.Append(c);
            j++;
        }

        return false;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace RunnerHub.Contracts;

/// <summary>
/// A normalised set of runner labels: trimmed, lower-case, distinct, sorted. GitHub compares
/// labels case-insensitively, so <c>Linux,self-hosted</c> and <c>self-hosted,linux</c> are the
/// same set and share one queue.
/// </summary>
public sealed class LabelSet : IEquatable<LabelSet>
{
    /// <summary>Longest label GitHub accepts.</summary>
    public const int MaxLabelLength = 256;

    /// <summary>Most labels one set may hold.</summary>
    public const int MaxLabels = 64;

    private LabelSet(IReadOnlyList<string> labels) => Labels = labels;

    /// <summary>The labels, lower-case and in ordinal order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Normalises <paramref name="labels"/>; throws <see cref="FormatException"/> when they are not valid.</summary>
    public static LabelSet From(IEnumerable<string> labels) =>
        TryFrom(labels, out var set, out var error) ? set : throw new FormatException(error);

    /// <summary>Parses a comma-separated list such as <c>self-hosted,linux,x64</c>.</summary>
    public static LabelSet Parse(string commaSeparated) =>
        TryParse(commaSeparated, out var set, out var error) ? set : throw new FormatException(error);

    /// <summary>Parses a comma-separated list; on failure says why.</summary>
    public static bool TryParse(string? commaSeparated, [NotNullWhen(true)] out LabelSet? set, [NotNullWhen(false)] out string? error) =>
        TryFrom((commaSeparated ?? "").Split(','), out set, out error);

    /// <summary>Normalises <paramref name="labels"/>; on failure says why.</summary>
    public static bool TryFrom(IEnumerable<string> labels, [NotNullWhen(true)] out LabelSet? set, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(labels);
        set = null;
        var normalised = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in labels)
        {
            var label = raw.Trim().ToLowerInvariant();
            if (label.Length == 0)
            {
                continue;
            }

            if (label.Length > MaxLabelLength)
            {
                error = $"label '{label[..32]}…' is longer than {MaxLabelLength} characters";
                return false;
            }

            if (label.Any(c => char.IsControl(c) || c == ','))
            {
                error = $"label '{label}' contains a comma or a control character";
                return false;
            }

            normalised.Add(label);
        }

        if (normalised.Count == 0)
        {
            error = "at least one label is required";
            return false;
        }

        if (normalised.Count > MaxLabels)
        {
            error = $"at most {MaxLabels} labels are allowed, got {normalised.Count}";
            return false;
        }

        set = new LabelSet([.. normalised]);
        error = null;
        return true;
    }

    /// <summary>
    /// True when every label of this set is in <paramref name="runnerLabels"/>: a runner with
    /// those labels may take a job that asks for this set.
    /// </summary>
    public bool IsSubsetOf(LabelSet runnerLabels)
    {
        ArgumentNullException.ThrowIfNull(runnerLabels);
        return Labels.All(l => runnerLabels.Labels.Contains(l, StringComparer.Ordinal));
    }

    /// <summary>The canonical form, comma-separated: also the set's queue key.</summary>
    public override string ToString() => string.Join(',', Labels);

    /// <inheritdoc />
    public bool Equals(LabelSet? other) => other is not null && Labels.SequenceEqual(other.Labels, StringComparer.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}

using System.Globalization;

namespace RunnerHub.ProxyRunner.Execution;

/// <summary>
/// What <c>/proc/&lt;pid&gt;/stat</c> says about a process: enough to tell a process from a
/// later one that got the same pid (the start time, field 22, in clock ticks since boot).
/// </summary>
internal readonly record struct ProcStat(int ProcessId, char State, int ProcessGroupId, int SessionId, long StartTicks)
{
    /// <summary>Running or sleeping, not a zombie waiting to be reaped.</summary>
    public bool IsAlive => State is not ('Z' or 'X' or 'x');

    /// <summary>The process's stat, or null when there is no such process.</summary>
    public static ProcStat? Read(int processId)
    {
        try
        {
            return Parse(processId, File.ReadAllText($"/proc/{processId}/stat"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone (or going) between the directory listing and the read.
            return null;
        }
    }

    /// <summary>Parses a stat line; the command name (field 2) may contain spaces and parentheses, so fields count from the last ')'.</summary>
    public static ProcStat? Parse(int processId, string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        // After ")": field 3 (state) is index 0, so field N is index N - 3.
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0].Length != 1
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var processGroupId)
            || !int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var sessionId)
            || !long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var startTicks))
        {
            return null;
        }

        return new ProcStat(processId, fields[0][0], processGroupId, sessionId, startTicks);
    }

    /// <summary>Every live process whose process group is <paramref name="processGroupId"/>.</summary>
    public static IReadOnlyList<ProcStat> GroupMembers(int processGroupId)
    {
        var members = new List<ProcStat>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { IsAlive: true } stat
                && stat.ProcessGroupId == processGroupId)
            {
                members.Add(stat);
            }
        }

        return members;
    }

    /// <summary>This boot's id; start ticks count from boot, so they only compare within one boot.</summary>
    public static string? BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

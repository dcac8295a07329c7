using System.Globalization;

namespace RunnerHub.Bench.RunnerHubScenarios;

/// <summary>
/// CPU time of a component over an interval: the process the stack started and everything below
/// it (PostgreSQL's backends under pg_autoctl, a proxy runner's job processes), in ticks of
/// 1/100 s. <paramref name="OwnTicks"/> is the root process alone, so a proxy runner can be told
/// apart from the simulated runners it starts.
/// </summary>
internal sealed record TreeUsage(string Name, long Ticks, long OwnTicks);

/// <summary>
/// Two snapshots of <c>/proc</c>, at the start and end of an interval, attributed to the watched
/// roots by walking each process's parent chain. A process alive at both ends counts its own
/// utime + stime growth; one that started and ended inside the interval counts through its
/// parent's cutime + cstime (which the kernel adds when it is reaped); one that ended inside
/// after starting before counts its whole life there, a small overcount for short-lived
/// processes only. Two scans of a few hundred entries: nothing runs between them.
/// </summary>
internal sealed class ProcessTreeSampler(IReadOnlyList<(string Name, int Pid)> roots)
{
    private const int MaxDepth = 32;

    private Dictionary<int, Proc> _start = [];

    public IReadOnlyList<(string Name, int Pid)> Roots => roots;

    public void Start() => _start = Scan();

    public IReadOnlyList<TreeUsage> Stop()
    {
        var end = Scan();
        var byRoot = roots.ToDictionary(r => r.Pid, r => (Total: 0L, Own: 0L));
        foreach (var (pid, proc) in end)
        {
            if (RootOf(pid, end) is not { } root)
            {
                continue;
            }

            var before = _start.TryGetValue(pid, out var s) && s.StartTime == proc.StartTime ? s : default;
            var delta = Math.Max(0, proc.Own - before.Own) + Math.Max(0, proc.Children - before.Children);
            var (total, own) = byRoot[root];
            byRoot[root] = (total + delta, pid == root ? own + Math.Max(0, proc.Own - before.Own) : own);
        }

        return [.. roots.Select(r => new TreeUsage(r.Name, byRoot[r.Pid].Total, byRoot[r.Pid].Own))];
    }

    private int? RootOf(int pid, Dictionary<int, Proc> processes)
    {
        for (var depth = 0; depth < MaxDepth && pid > 1; depth++)
        {
            if (roots.Any(r => r.Pid == pid))
            {
                return pid;
            }

            if (!processes.TryGetValue(pid, out var proc))
            {
                return null;
            }

            pid = proc.Parent;
        }

        return null;
    }

    private static Dictionary<int, Proc> Scan()
    {
        var result = new Dictionary<int, Proc>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command name (which may hold spaces) start after the last ')'.
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                long L(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
                result[pid] = new Proc((int)L(1), L(11) + L(12), L(13) + L(14), L(19));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // Gone between the listing and the read.
            }
        }

        return result;
    }

    /// <param name="Parent">ppid.</param>
    /// <param name="Own">utime + stime.</param>
    /// <param name="Children">cutime + cstime: reaped descendants.</param>
    /// <param name="StartTime">starttime, so a reused pid is not taken for the earlier process.</param>
    private readonly record struct Proc(int Parent, long Own, long Children, long StartTime);
}

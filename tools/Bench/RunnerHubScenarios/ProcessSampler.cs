using System.Globalization;

namespace RunnerHub.Bench.RunnerHubScenarios;

/// <summary>CPU and peak RSS of one process over a scenario, from <c>/proc</c>.</summary>
internal sealed record ProcessUsage(string Name, int Pid, double CpuPercent, double PeakRssMiB, bool Alive);

/// <summary>
/// Samples <c>/proc/PID/stat</c> (utime + stime) and <c>/proc/PID/status</c> (VmRSS) every half
/// second while a scenario runs. CPU is the process's own (not its children's: a proxy runner's
/// job processes are the simulated runners, not RunnerHub), as a percentage of one core.
/// </summary>
internal sealed class ProcessSampler(IReadOnlyList<(string Name, int Pid)> processes)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ; 100 on every Linux the stack runs on.
    private readonly Dictionary<int, (long Ticks, double PeakKiB, bool Alive)> _first = [];
    private readonly Dictionary<int, (long Ticks, double PeakKiB, bool Alive)> _last = [];
    private DateTimeOffset _began;

    public async Task<IReadOnlyList<ProcessUsage>> RunUntilAsync(Task scenario)
    {
        _began = DateTimeOffset.UtcNow;
        Sample(_first);
        foreach (var (k, v) in _first)
        {
            _last[k] = v;
        }

        while (!scenario.IsCompleted)
        {
            await Task.WhenAny(scenario, Task.Delay(500));
            Sample(_last);
        }

        var seconds = Math.Max(0.001, (DateTimeOffset.UtcNow - _began).TotalSeconds);
        return [.. processes.Select(p =>
        {
            var first = _first.GetValueOrDefault(p.Pid);
            var last = _last.GetValueOrDefault(p.Pid);
            var cpu = (last.Ticks - first.Ticks) / TicksPerSecond / seconds * 100;
            return new ProcessUsage(p.Name, p.Pid, Math.Round(cpu, 1), Math.Round(last.PeakKiB / 1024, 1), last.Alive);
        })];
    }

    private void Sample(Dictionary<int, (long Ticks, double PeakKiB, bool Alive)> into)
    {
        foreach (var (_, pid) in processes)
        {
            var previous = into.GetValueOrDefault(pid);
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // Fields after the command name (which may hold spaces) start after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                var rss = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                var kib = rss is null ? 0 : double.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                into[pid] = (ticks, Math.Max(previous.PeakKiB, kib), true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                into[pid] = previous with { Alive = false };
            }
        }
    }
}

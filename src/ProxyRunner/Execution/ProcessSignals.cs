using System.Runtime.InteropServices;

namespace RunnerHub.ProxyRunner.Execution;

/// <summary>Signals to a process or a whole process group through libc <c>kill(2)</c>.</summary>
internal static partial class ProcessSignals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private const int NotPermitted = 1; // EPERM
    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Signals every process of group <paramref name="processGroupId"/>; false when the group is empty.</summary>
    public static bool SignalGroup(int processGroupId, int signal)
    {
        // kill(-1) would signal every process we may signal; kill(0) our own group.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(processGroupId, 1);
        return Send(-processGroupId, signal);
    }

    /// <summary>Signals one process; false when it does not exist.</summary>
    public static bool SignalProcess(int processId, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(processId, 1);
        return Send(processId, signal);
    }

    private static bool Send(int target, int signal)
    {
        if (Kill(target, signal) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno switch
        {
            NoSuchProcess => false,
            // The pid or group belongs to another user now: not ours to signal.
            NotPermitted => false,
            _ => throw new InvalidOperationException($"kill({target}, {signal}) failed with errno {errno}."),
        };
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}

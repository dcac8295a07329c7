namespace RunnerHub.ProxyRunner.Execution;

/// <summary>How this proxy runner starts the ephemeral <c>actions/runner</c> of a job. Section <c>Execution</c>.</summary>
public sealed class ExecutionOptions
{
    /// <summary>Configuration section: <c>Execution</c>.</summary>
    public const string SectionName = "Execution";

    /// <summary>The command GitHub's <c>actions/runner</c> documents for a just-in-time runner.</summary>
    public const string DefaultCommand = "{runnerDirectory}/run.sh --jitconfig {jitConfig}";

    /// <summary>
    /// The unpacked <c>actions/runner</c> directory (the one holding <c>run.sh</c>); relative to
    /// the current directory. It is also the job's working directory when it exists.
    /// Default <c>./actions-runner</c>.
    /// </summary>
    public string RunnerDirectory { get; set; } = "./actions-runner";

    /// <summary>
    /// The command line that starts one job, as a template. Default
    /// <c>{runnerDirectory}/run.sh --jitconfig {jitConfig}</c>; it can wrap the runner, for example
    /// <c>docker run --rm my-runner-image ./run.sh --jitconfig {jitConfig}</c>.
    /// <para>
    /// Placeholders: <c>{runnerDirectory}</c> (absolute), <c>{jitConfig}</c> (required),
    /// <c>{jobId}</c>, <c>{attempt}</c>, <c>{runnerName}</c>. Any other <c>{word}</c> is an error;
    /// braces not around a word (<c>{{.ID}}</c>) are kept as they are.
    /// </para>
    /// <para>
    /// No shell is involved. The template is split into arguments on whitespace first
    /// (<c>'single'</c> quotes keep text as it is, <c>"double"</c> quotes allow <c>\"</c> and
    /// <c>\\</c>, a backslash outside quotes escapes the next character), and only then are the
    /// placeholders replaced inside each argument, once: a JIT config with spaces, quotes,
    /// <c>;</c> or <c>$(…)</c> stays one argument and is never interpreted.
    /// </para>
    /// <para>
    /// The JIT config is a single-use secret. It is never logged and never written to a file by
    /// RunnerHub, but <c>actions/runner</c> takes it on its command line by design
    /// (<c>run.sh --jitconfig …</c>), so it is visible in <c>/proc/&lt;pid&gt;/cmdline</c> to
    /// the same user and root while the job runs. Run the proxy runner as a dedicated user.
    /// </para>
    /// </summary>
    public string Command { get; set; } = DefaultCommand;

    /// <summary>
    /// Where each job's output goes, one file per attempt: <c>&lt;jobId&gt;-&lt;attempt&gt;.log</c>
    /// (appended, with a header line). Default: <c>jobs</c> inside <c>Runner:StateDirectory</c>.
    /// </summary>
    public string LogDirectory { get; set; } = "";

    /// <summary>
    /// How long a job's process group has to exit after SIGTERM before it gets SIGKILL, on
    /// cancel, on shutdown and when a leftover of a previous run is found. Default 10 s.
    /// </summary>
    public TimeSpan KillTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Extra environment variables for every job, set after the inherited ones. The job inherits
    /// this process's environment minus the variables that carry RunnerHub settings (names with
    /// <c>__</c>, as in <c>Runner__Name</c>), which are not the job's business. Default none.
    /// </summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

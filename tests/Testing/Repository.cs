namespace RunnerHub.Testing;

/// <summary>Where the checkout is, found from the test assembly's location.</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RunnerHub.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"RunnerHub.sln not found above {AppContext.BaseDirectory}");
    });

    /// <summary>The checkout's root directory (the one holding RunnerHub.sln).</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The stack script, <c>scripts/runnerhub</c>.</summary>
    public static string StackScript => Path.Combine(Root, "scripts", "runnerhub");
}

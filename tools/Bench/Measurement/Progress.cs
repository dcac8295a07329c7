namespace RunnerHub.Bench.Measurement;

/// <summary>Progress lines on stderr (stdout carries the results), in the scripts' "  …" style.</summary>
internal static class Progress
{
    public static void Line(string message) => Console.Error.WriteLine("  " + message);
}

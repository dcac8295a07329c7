using System.Diagnostics;

namespace RunnerHub.Testing;

/// <summary>
/// Polls a condition until it holds or a deadline passes, and on failure says what it saw last,
/// so a failover test never sleeps and hopes (STYLE.md).
/// </summary>
public static class Eventually
{
    /// <summary>
    /// Calls <paramref name="probe"/> every <paramref name="interval"/> until it returns
    /// <c>(true, _)</c>; returns the elapsed time. Throws with the last observation after
    /// <paramref name="timeout"/>.
    /// </summary>
    public static async Task<TimeSpan> HoldsAsync(
        string what,
        Func<Task<(bool Ok, string Observation)>> probe,
        TimeSpan timeout,
        TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var clock = Stopwatch.StartNew();
        var observation = "(never probed)";
        var attempts = 0;
        while (clock.Elapsed < timeout)
        {
            attempts++;
            try
            {
                (var ok, observation) = await probe();
                if (ok)
                {
                    return clock.Elapsed;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                observation = $"{ex.GetType().Name}: {ex.Message}";
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s ({attempts} attempts) waiting for {what}. Last observation: {observation}");
    }
}

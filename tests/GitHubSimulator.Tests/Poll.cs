using System.Diagnostics;

namespace RunnerHub.GitHubSimulator.Tests;

/// <summary>Polls until a condition holds or a deadline passes; on failure says what it saw last. No test sleeps and hopes.</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task<T> UntilAsync<T>(string what, Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, Func<T, string>? describe = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}. Last seen: {describe?.Invoke(value) ?? value?.ToString()}");
            }

            await Task.Delay(20);
        }
    }

    public static Task<T> UntilAsync<T>(string what, Func<T> probe, Func<T, bool> done, TimeSpan? timeout = null, Func<T, string>? describe = null) =>
        UntilAsync(what, () => Task.FromResult(probe()), done, timeout, describe);
}

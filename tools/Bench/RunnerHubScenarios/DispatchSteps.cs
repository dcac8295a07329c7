using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace RunnerHub.Bench.RunnerHubScenarios;

/// <summary>One dispatch step over a scenario, summed over the nodes: how many, and their mean.</summary>
internal sealed record StepFigure(long Count, double MeanMs);

/// <summary>
/// The orchestrators' <c>runnerhub_dispatch_step_seconds</c> (claim, jit_config, runner, record),
/// scraped from every node's <c>/metrics</c> (with an operator token, as Prometheus does) before
/// and after a scenario: the difference of the sums over the difference of the counts is each
/// step's mean during the scenario. A node that does not answer counts as no dispatches.
/// </summary>
internal sealed partial class DispatchSteps(HttpClient http, IReadOnlyList<Uri> metricsUrls, string operatorToken)
{
    private Dictionary<string, (long Count, double Sum)> _before = [];

    public async Task StartAsync(CancellationToken cancellationToken) => _before = await ScrapeAsync(cancellationToken);

    public async Task<IReadOnlyDictionary<string, StepFigure>> StopAsync(CancellationToken cancellationToken)
    {
        var after = await ScrapeAsync(cancellationToken);
        return after.ToDictionary(
            a => a.Key,
            a =>
            {
                var before = _before.GetValueOrDefault(a.Key);
                var count = a.Value.Count - before.Count;
                return new StepFigure(count, count > 0 ? Math.Round((a.Value.Sum - before.Sum) / count * 1000, 2) : 0);
            },
            StringComparer.Ordinal);
    }

    private async Task<Dictionary<string, (long Count, double Sum)>> ScrapeAsync(CancellationToken cancellationToken)
    {
        var total = new Dictionary<string, (long Count, double Sum)>(StringComparer.Ordinal);
        foreach (var url in metricsUrls)
        {
            string text;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);
                using var response = await http.SendAsync(request, cancellationToken);
                response.EnsureSuccessStatusCode();
                text = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException)
            {
                continue;
            }

            foreach (Match m in StepLine().Matches(text))
            {
                var step = m.Groups["step"].Value;
                var value = double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
                var (count, sum) = total.GetValueOrDefault(step);
                total[step] = m.Groups["kind"].Value == "count" ? (count + (long)value, sum) : (count, sum + value);
            }
        }

        return total;
    }

    [GeneratedRegex("""^runnerhub_dispatch_step_seconds_(?<kind>sum|count)\{[^}]*step="(?<step>[a-z_]+)"[^}]*\} (?<value>[0-9.eE+-]+)""", RegexOptions.Multiline)]
    private static partial Regex StepLine();
}

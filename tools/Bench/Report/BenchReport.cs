using System.Text.Json;
using System.Text.Json.Nodes;
using RunnerHub.Bench.Cli;

namespace RunnerHub.Bench.Report;

/// <summary>
/// Merges the result files of one run into one document: the RunnerHub scenarios, the anchors,
/// and every RunnerHub figure as a ratio to the same figure of each anchor.
/// </summary>
internal sealed partial class BenchReport
{
    private BenchReport(JsonObject meta, JsonArray dispatch, JsonObject intake, JsonArray anchors, JsonObject resources, JsonObject growth)
    {
        Growth = growth;
        Meta = meta;
        Dispatch = dispatch;
        Intake = intake;
        Anchors = anchors;
        Resources = resources;
        Ratios = ComputeRatios();
        Document = new JsonObject
        {
            ["meta"] = meta.DeepClone(),
            ["scenarios"] = new JsonObject
            {
                ["dispatch"] = dispatch.DeepClone(),
                ["intake"] = intake.DeepClone(),
                ["growth"] = growth.DeepClone(),
                ["resources"] = resources.DeepClone(),
            },
            ["anchors"] = anchors.DeepClone(),
            ["ratios"] = JsonSerializer.SerializeToNode(Ratios, BenchJson.Options),
        };
    }

    public JsonObject Document { get; }

    private JsonObject Meta { get; }

    private JsonArray Dispatch { get; }

    private JsonObject Intake { get; }

    private JsonArray Anchors { get; }

    private JsonObject Resources { get; }

    /// <summary><c>backlog</c>: points with <c>waiting</c>; <c>slots</c>: points with <c>slots</c>; each with its <c>dispatch</c> result.</summary>
    private JsonObject Growth { get; }

    private IReadOnlyList<Ratio> Ratios { get; }

    public static async Task<BenchReport> LoadAsync(
        IReadOnlyList<string> dispatchFiles,
        string intakeFile,
        IReadOnlyList<string> anchorFiles,
        string metaFile,
        double resourcesRate,
        string? growthBacklogFile,
        IReadOnlyList<string> growthSlotFiles,
        CancellationToken ct)
    {
        var dispatch = new JsonArray();
        foreach (var file in dispatchFiles)
        {
            dispatch.Add(await ReadAsync(file, ct));
        }

        var anchors = new JsonArray();
        foreach (var file in anchorFiles)
        {
            anchors.Add(await ReadAnchorAsync(file, ct));
        }

        // Scenario 5 is sampled during the dispatch step nearest the resources rate (200/s in a full run).
        var resourcesStep = dispatch.OfType<JsonObject>().MinBy(d => Math.Abs((Number(d["rate"]) ?? double.MaxValue) - resourcesRate));
        var resources = new JsonObject
        {
            ["rate"] = Number(resourcesStep?["rate"]),
            ["processes"] = resourcesStep?["processes"]?.DeepClone() ?? new JsonArray(),
        };
        var growth = new JsonObject
        {
            ["backlog"] = string.IsNullOrEmpty(growthBacklogFile) ? new JsonArray() : (await ReadAsync(growthBacklogFile, ct))["backlog"]!.DeepClone(),
            ["slots"] = new JsonArray(),
        };
        foreach (var entry in growthSlotFiles)
        {
            // SLOTS:FILE, FILE being a dispatch result taken with that many runner slots connected.
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            growth["slots"]!.AsArray().Add(new JsonObject
            {
                ["slots"] = int.Parse(entry[..colon], System.Globalization.CultureInfo.InvariantCulture),
                ["dispatch"] = await ReadAsync(entry[(colon + 1)..], ct),
            });
        }

        return new BenchReport(await ReadAsync(metaFile, ct), dispatch, await ReadAsync(intakeFile, ct), anchors, resources, growth);
    }

    /// <summary>
    /// The report of a saved run: the document <see cref="Document"/> wrote (scripts/bench's
    /// JSON). Its ratios are computed again, so a change to them shows without measuring again.
    /// </summary>
    public static async Task<BenchReport> FromResultsAsync(string file, CancellationToken ct)
    {
        var document = await ReadAsync(file, ct);
        var scenarios = document["scenarios"] as JsonObject
            ?? throw new InvalidDataException($"{file} is not a scripts/bench results file (no scenarios)");
        JsonObject Object(JsonNode? node, string name) => (node as JsonObject)?.DeepClone().AsObject()
            ?? throw new InvalidDataException($"{file} has no {name}");
        JsonArray Array(JsonNode? node, string name) => (node as JsonArray)?.DeepClone().AsArray()
            ?? throw new InvalidDataException($"{file} has no {name}");
        return new BenchReport(
            Object(document["meta"], "meta"),
            Array(scenarios["dispatch"], "scenarios.dispatch"),
            Object(scenarios["intake"], "scenarios.intake"),
            Array(document["anchors"], "anchors"),
            Object(scenarios["resources"], "scenarios.resources"),
            Object(scenarios["growth"], "scenarios.growth"));
    }

    /// <summary>
    /// An anchor's result with <c>failed: false</c>; or, when the anchor failed (scripts/bench
    /// then writes <c>{name, failed: true, error}</c> in its place) or left no readable result,
    /// an entry with <c>failed: true</c> and the <c>error</c>, so one anchor's failure costs the run
    /// only that anchor's figures. A missing file's anchor is named after the file
    /// (<c>anchor-NAME.json</c>).
    /// </summary>
    private static async Task<JsonObject> ReadAnchorAsync(string file, CancellationToken ct)
    {
        JsonObject anchor;
        try
        {
            anchor = await ReadAsync(file, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidDataException or InvalidOperationException)
        {
            return Failed(AnchorName(file), $"no result in {file}: {ex.Message}");
        }

        if (IsFailed(anchor))
        {
            anchor["name"] ??= AnchorName(file);
            anchor["error"] ??= "failed (no reason given)";
            return anchor;
        }

        if (anchor["name"] is null || anchor["latency"] is not JsonArray || anchor["throughput"] is not JsonObject)
        {
            return Failed(Text(anchor["name"] ?? AnchorName(file)), $"{file} is not an anchor result (no name, latency or throughput)");
        }

        anchor["failed"] = false;
        return anchor;

        static JsonObject Failed(string name, string error) => new() { ["name"] = name, ["failed"] = true, ["error"] = error };
    }

    private static string AnchorName(string file)
    {
        var stem = Path.GetFileNameWithoutExtension(file);
        return stem.StartsWith("anchor-", StringComparison.Ordinal) ? stem["anchor-".Length..] : stem;
    }

    private static bool IsFailed(JsonObject anchor) => anchor["failed"] is JsonValue v && v.TryGetValue<bool>(out var failed) && failed;

    private static async Task<JsonObject> ReadAsync(string file, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file);
        return (await JsonNode.ParseAsync(stream, cancellationToken: ct))?.AsObject()
            ?? throw new InvalidDataException($"{file} holds no JSON object");
    }

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    private static string Text(JsonNode? node) => node?.ToString() ?? "?";

    private List<Ratio> ComputeRatios()
    {
        var ratios = new List<Ratio>();
        var intakeBest = Number(Intake["best"]?["perSecond"]);
        foreach (var anchor in Anchors.OfType<JsonObject>())
        {
            // A failed anchor keeps its ratios in the document, each with a null value (n/a).
            var name = Text(anchor["name"]);
            var failed = IsFailed(anchor);
            foreach (var step in Dispatch.OfType<JsonObject>())
            {
                var rate = Number(step["rate"]);
                var same = failed ? null : anchor["latency"]?.AsArray().OfType<JsonObject>().FirstOrDefault(l => Number(l["rate"]) == rate);
                foreach (var p in new[] { "p50Ms", "p99Ms" })
                {
                    ratios.Add(Ratio.Of(name, "dispatch " + p[..3], rate, Number(step["webhookToRunner"]?[p]), Number(same?["latency"]?[p])));
                }
            }

            ratios.Add(Ratio.Of(name, "throughput", null, intakeBest, failed ? null : Number(anchor["throughput"]?["perSecond"])));
        }

        return ratios;
    }
}

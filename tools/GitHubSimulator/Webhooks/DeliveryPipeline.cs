using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RunnerHub.GitHubSimulator.Faults;

namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary>
/// Carries every webhook from creation to the receiver, applying the fault switches decided at
/// creation: drop (never sent) → delay → reorder buffer (shuffled in groups) → a bounded pool of
/// senders → duplicate (the same bytes sent twice at once, as two nodes behind HAProxy would see
/// it). Work from before a <c>DELETE /_simulator/state</c> is discarded, not sent.
/// </summary>
internal sealed class DeliveryPipeline(
    WebhookSender sender,
    FaultState faults,
    DeliveryLog log,
    IOptions<SimulatorOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<DeliveryPipeline> logger) : BackgroundService
{
    private readonly Channel<OutgoingWebhook> _reorder = Channel.CreateUnbounded<OutgoingWebhook>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<OutgoingWebhook> _send = Channel.CreateUnbounded<OutgoingWebhook>();

    /// <summary>Creates the delivery (recorded at once, whatever the faults make of it) and starts it on its way.</summary>
    public DeliveryRecord Submit(string @event, string? action, long? jobId, byte[] body)
    {
        var decision = faults.DecideWebhook();
        var record = new DeliveryRecord(Guid.NewGuid(), @event, action, jobId, time.GetUtcNow(), decision);
        log.Add(record);
        if (decision.Drop)
        {
            Log.Dropped(logger, record.EventKey, record.Id, jobId);
            return record;
        }

        var secret = options.Value.WebhookSecret;
        var webhook = new OutgoingWebhook(record, body, WebhookSigner.Sha256(secret, body), WebhookSigner.Sha1(secret, body), log.Generation);
        if (decision.Delay > TimeSpan.Zero)
        {
            _ = DelayThenRouteAsync(webhook);
        }
        else
        {
            Route(webhook);
        }

        return record;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var concurrency = options.Value.DeliveryConcurrency;
        Log.PipelineStarted(logger, options.Value.WebhookUrl, concurrency);
        var loops = Enumerable.Range(0, concurrency).Select(_ => SendLoopAsync(stoppingToken)).Append(ReorderLoopAsync(stoppingToken));
        await Task.WhenAll(loops);
    }

    private void Route(OutgoingWebhook webhook)
    {
        var channel = webhook.Record.Faults.Reorder > 0 ? _reorder : _send;
        channel.Writer.TryWrite(webhook);
    }

    private async Task DelayThenRouteAsync(OutgoingWebhook webhook)
    {
        try
        {
            await Task.Delay(webhook.Record.Faults.Delay, time, lifetime.ApplicationStopping);
            Route(webhook);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: a delayed webhook is lost with the process, as it would be with GitHub's.
        }
    }

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var webhook in _send.Reader.ReadAllAsync(stoppingToken))
            {
                if (webhook.Generation != log.Generation)
                {
                    continue;
                }

                try
                {
                    await (webhook.Record.Faults.Duplicate
                        ? Task.WhenAll(sender.SendAsync(webhook, stoppingToken), sender.SendAsync(webhook, stoppingToken))
                        : sender.SendAsync(webhook, stoppingToken));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.StageFailed(logger, ex, "send");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Collects up to <c>reorder</c> webhooks (or what arrives within the reorder window) and passes them on shuffled.</summary>
    private async Task ReorderLoopAsync(CancellationToken stoppingToken)
    {
        var buffer = new List<OutgoingWebhook>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var first = await _reorder.Reader.ReadAsync(stoppingToken);
                buffer.Add(first);
                using var window = new CancellationTokenSource(options.Value.ReorderWindow, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(window.Token, stoppingToken);
                while (buffer.Count < first.Record.Faults.Reorder)
                {
                    try
                    {
                        buffer.Add(await _reorder.Reader.ReadAsync(linked.Token));
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }
                }

                var group = buffer.ToArray();
                buffer.Clear();
                faults.Shuffle(group);
                foreach (var webhook in group)
                {
                    _send.Writer.TryWrite(webhook);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

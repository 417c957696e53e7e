using System.Diagnostics.Metrics;
using ActorSmtp.Server.Telemetry;

namespace ActorSmtp.Mailbox.Retention;

/// <summary>The mailbox's instruments, on a meter of the server's name, so the /metrics exporter that listens to it shows them too.</summary>
internal static class MailboxMetrics
{
    private static readonly Meter Meter = new(SmtpMetrics.MeterName, typeof(MailboxMetrics).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Purged = Meter.CreateCounter<long>(
        "actorsmtp.mailbox.purged", null, "Messages removed by the mailbox's retention (files and index entry).");
}

using System.CommandLine;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Probes;
using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Cli;

/// `idle` and `big`: the memory probes that compare-smtp-sink.sh runs next to the throughput pairs;
/// `slowloris`: the per-command deadline under attack; `await-latency`: the mailbox's await after a 250.
internal static class ProbeCommands
{
    private static readonly Option<string> Target = new("--target") { Description = "HOST:PORT on loopback", DefaultValueFactory = _ => "127.0.0.1:2525" };

    public static Command Idle()
    {
        var connections = new Option<int>("--connections") { DefaultValueFactory = _ => 10_000 };
        var pid = new Option<int?>("--pid") { Description = "server process whose RSS is measured" };
        var inFlight = new Option<int>("--handshakes-in-flight") { DefaultValueFactory = _ => 256 };
        var settle = new Option<string>("--settle") { Description = "wait after the last EHLO before measuring", DefaultValueFactory = _ => "3s" };
        var timeout = new Option<string>("--timeout") { Description = "limit for the whole probe", DefaultValueFactory = _ => "180s" };
        var pendingHeaders = new Option<string>("--pending-headers")
        {
            Description = "go on into DATA and send this many bytes of header lines without ending the block (e.g. 100k)",
            DefaultValueFactory = _ => "0",
        };
        var command = new Command("idle", "Hold N idle connections (after greeting + EHLO) and report the server's RSS per connection")
        {
            Target, connections, pid, inFlight, settle, timeout, pendingHeaders,
        };
        command.SetAction((options, cancel) => Guarded(options.GetValue(timeout)!, cancel, token =>
            new IdleConnectionsProbe(
                LoopbackTarget.Parse(options.GetValue(Target)!), options.GetValue(connections), options.GetValue(pid),
                options.GetValue(inFlight), UnitText.ParseDuration(options.GetValue(settle)!),
                checked((int)UnitText.ParseBytes(options.GetValue(pendingHeaders)!))).RunAsync(Console.Out, token)));
        return command;
    }

    public static Command BigMessage()
    {
        var size = new Option<string>("--size") { DefaultValueFactory = _ => "100m" };
        var pid = new Option<int>("--pid") { Description = "server process whose RSS is measured", Required = true };
        var maxIncrease = new Option<string>("--max-rss-increase") { DefaultValueFactory = _ => "32m" };
        var timeout = new Option<string>("--timeout") { DefaultValueFactory = _ => "300s" };
        var file = new Option<string?>("--message-file") { Description = "send this message (e.g. a signed one from dkim-message) instead of a generated body" };
        var mailFrom = new Option<string>("--mail-from") { DefaultValueFactory = _ => MessageBodies.Sender };
        var command = new Command("big", "Send one large message and report how much the server's RSS grew")
        {
            Target, size, pid, maxIncrease, timeout, file, mailFrom,
        };
        command.SetAction((options, cancel) => Guarded(options.GetValue(timeout)!, cancel, token =>
            new BigMessageProbe(
                LoopbackTarget.Parse(options.GetValue(Target)!), UnitText.ParseBytes(options.GetValue(size)!), options.GetValue(pid),
                UnitText.ParseBytes(options.GetValue(maxIncrease)!) / 1024, UnitText.ParseDuration(options.GetValue(timeout)!))
            { MessageFile = options.GetValue(file), MailFrom = options.GetValue(mailFrom)! }
                .RunAsync(Console.Out, token)));
        return command;
    }

    public static Command Slowloris()
    {
        var tricklers = new Option<int>("--tricklers") { DefaultValueFactory = _ => 500 };
        var interval = new Option<string>("--interval") { Description = "one byte per interval per trickler", DefaultValueFactory = _ => "2s" };
        var measure = new Option<string>("--measure") { Description = "how long the normal client sends, alone and under attack", DefaultValueFactory = _ => "10s" };
        var maxRatio = new Option<double>("--max-latency-ratio") { DefaultValueFactory = _ => 2.0 };
        var cutWithin = new Option<string>("--cut-within") { Description = "every trickler must be cut by then (from the start of the attack)", DefaultValueFactory = _ => "60s" };
        var inData = new Option<bool>("--in-data") { Description = "trickle a message body after DATA instead of a command line" };
        var timeout = new Option<string>("--timeout") { DefaultValueFactory = _ => "180s" };
        var command = new Command("slowloris",
            "Trickle N command lines one byte at a time while one client sends messages; compare its latency with an unloaded run")
        {
            Target, tricklers, interval, measure, maxRatio, cutWithin, inData, timeout,
        };
        command.SetAction((options, cancel) => Guarded(options.GetValue(timeout)!, cancel, token =>
            new SlowlorisProbe(
                LoopbackTarget.Parse(options.GetValue(Target)!), options.GetValue(tricklers), UnitText.ParseDuration(options.GetValue(interval)!),
                UnitText.ParseDuration(options.GetValue(measure)!), options.GetValue(maxRatio), UnitText.ParseDuration(options.GetValue(cutWithin)!),
                options.GetValue(inData))
                .RunAsync(Console.Out, token)));
        return command;
    }

    public static Command AwaitLatency()
    {
        var mailbox = new Option<string>("--mailbox") { Description = "the mailbox's base URL", DefaultValueFactory = _ => "http://127.0.0.1:8025/" };
        var messages = new Option<int>("--messages") { DefaultValueFactory = _ => 500 };
        var maxP99 = new Option<string>("--max-p99") { Description = "the lag from 250 to the await's answer that p99 must not exceed", DefaultValueFactory = _ => "20ms" };
        var timeout = new Option<string>("--timeout") { DefaultValueFactory = _ => "300s" };
        var command = new Command("await-latency",
            "Await each message on the mailbox (GET /api/v1/messages/await) and send it; report the lag from its 250 to the answer")
        {
            Target, mailbox, messages, maxP99, timeout,
        };
        command.SetAction((options, cancel) => Guarded(options.GetValue(timeout)!, cancel, token =>
            new AwaitLatencyProbe(LoopbackTarget.Parse(options.GetValue(Target)!), new Uri(options.GetValue(mailbox)!),
                options.GetValue(messages), UnitText.ParseDuration(options.GetValue(maxP99)!)).RunAsync(Console.Out, token)));
        return command;
    }

    /// Bounds the probe in time and turns bad arguments into a message and exit code 2.
    private static async Task<int> Guarded(string timeout, CancellationToken cancel, Func<CancellationToken, Task<int>> probe)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(UnitText.ParseDuration(timeout));
            return await probe(deadline.Token);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidArguments;
        }
    }
}

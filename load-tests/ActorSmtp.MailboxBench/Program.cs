using System.Diagnostics;
using ActorSmtp.Mailbox;
using ActorSmtp.MailboxBench;
using Akka.Actor;
using Microsoft.Extensions.Logging;

// actorsmtp-mailbox-bench fill DIR COUNT   — writes COUNT messages in the file sink's form
// actorsmtp-mailbox-bench measure DIR      — rebuilds the index from scratch (msg/s), then times the queries (p50/p99)
if (args is ["fill", var fillDirectory, var countText] && int.TryParse(countText, out var count))
{
    var started = Stopwatch.GetTimestamp();
    StoreFiller.Fill(fillDirectory, count, DateTimeOffset.UtcNow.AddMilliseconds(-count - 60_000));
    var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    Console.WriteLine($"filled {fillDirectory} with {count} messages in {seconds:F1} s ({count / seconds:F0} msg/s)");
    return 0;
}
if (args is not ["measure", var directory])
{
    Console.Error.WriteLine("usage: actorsmtp-mailbox-bench fill DIR COUNT | measure DIR");
    return 2;
}
using var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(o => o.SingleLine = true));
using var system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
foreach (var suffix in new[] { "", "-wal", "-shm" })
    File.Delete(Path.Combine(directory, ".mailbox.sqlite" + suffix));
var files = Directory.EnumerateFiles(directory, "*.eml").Count();

var opening = Stopwatch.GetTimestamp();
var mailbox = await Mailbox.OpenAsync(system, directory, RetentionSettings.Unlimited, logging, CancellationToken.None);
var rebuild = Stopwatch.GetElapsedTime(opening).TotalSeconds;
Console.WriteLine($"rebuild: {files} messages in {rebuild:F1} s = {files / rebuild:F0} msg/s; index {new FileInfo(Path.Combine(directory, ".mailbox.sqlite")).Length / 1048576.0:F0} MiB");

await Time("GET /messages first page (limit 50)", () => mailbox.ListAsync(MessageQuery.All, 50, null, CancellationToken.None));
var middle = (await mailbox.ListAsync(MessageQuery.All, 1, null, CancellationToken.None)).Messages[0].Id;
await Time("next page by cursor (limit 50)", () => mailbox.ListAsync(MessageQuery.All, 50, middle, CancellationToken.None));
var unique = 0;
await Time("q= one unique word (1 match)", () => mailbox.ListAsync(new MessageQuery(Text: StoreFiller.UniqueWord(Interlocked.Increment(ref unique) * 4999 % files)), 50, null, CancellationToken.None));
await Time($"q={StoreFiller.CommonWord} (10% match) first page", () => mailbox.ListAsync(new MessageQuery(Text: StoreFiller.CommonWord), 50, null, CancellationToken.None));
await Time("q=two words (alpha bravo) first page", () => mailbox.ListAsync(new MessageQuery(Text: "alpha bravo"), 50, null, CancellationToken.None));
await Time("to=*@run-42.test (1% match) first page", () => mailbox.ListAsync(new MessageQuery(To: "*@run-42.test"), 50, null, CancellationToken.None));
await mailbox.DisposeAsync();

opening = Stopwatch.GetTimestamp();
mailbox = await Mailbox.OpenAsync(system, directory, RetentionSettings.Unlimited, logging, CancellationToken.None);
Console.WriteLine($"reopen (reconcile, index complete): {Stopwatch.GetElapsedTime(opening).TotalSeconds:F1} s");
await mailbox.DisposeAsync();
return 0;

static async Task Time(string name, Func<Task<MessagePage>> query, int runs = 200)
{
    for (var i = 0; i < 10; i++)
        await query(); // warm: JIT, page cache, statement cache
    var millis = new double[runs];
    var found = 0;
    for (var i = 0; i < runs; i++)
    {
        var started = Stopwatch.GetTimestamp();
        found = (await query()).Messages.Count;
        millis[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
    Array.Sort(millis);
    Console.WriteLine($"{name}: p50 {millis[runs / 2]:F2} ms, p99 {millis[runs * 99 / 100]:F2} ms, max {millis[^1]:F2} ms ({found} listed)");
}

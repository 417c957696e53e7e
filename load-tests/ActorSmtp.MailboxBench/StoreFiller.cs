using System.Net;
using System.Text;
using ActorSmtp.Sinks;

namespace ActorSmtp.MailboxBench;

/// <summary>
/// Writes N messages as the file sink stores them (<c>&lt;id&gt;.json</c>, then <c>&lt;id&gt;.eml</c>, the commit marker),
/// without SMTP: ~1 KB each, 1 ms apart, to 100 run domains, with words of known frequency to search for.
/// </summary>
internal static class StoreFiller
{
    /// <summary>In every tenth message's body: a common word.</summary>
    public const string CommonWord = "invoice";

    private static readonly string[] Words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima"];

    private static readonly IPEndPoint Client = new(IPAddress.Loopback, 40000);
    private static readonly IPEndPoint Server = new(IPAddress.Loopback, 25);

    /// <summary>The unique word of message <paramref name="i"/>: a search that matches exactly one message.</summary>
    public static string UniqueWord(int i) => $"order{i:D7}";

    public static void Fill(string directory, int count, DateTimeOffset start)
    {
        Directory.CreateDirectory(directory);
        Parallel.For(0, count, i => Write(directory, i, start.AddMilliseconds(i)));
    }

    private static void Write(string directory, int i, DateTimeOffset receivedAt)
    {
        var id = $"{receivedAt.ToUnixTimeMilliseconds():D13}{i:D13}";
        var rcpt = $"user{i % 1000}@run-{i % 100}.test";
        var headers = $"From: app@sender.test\r\nTo: {rcpt}\r\nSubject: Message {i} {Words[i % Words.Length]}\r\nMessage-ID: <{id}@bench>\r\n" +
                      $"Date: {receivedAt:R}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";
        var body = new StringBuilder();
        body.Append("Hello, this is message ").Append(UniqueWord(i)).Append(i % 10 == 0 ? $" with an {CommonWord}." : ".").Append("\r\n");
        for (var line = 0; body.Length < 900; line++)
            body.Append(string.Join(' ', Enumerable.Range(0, 8).Select(w => Words[(i + line * 8 + w) % Words.Length]))).Append("\r\n");
        var eml = Encoding.UTF8.GetBytes(headers + body);
        var envelope = new SmtpEnvelope(id, receivedAt, "app@sender.test", [rcpt], Client, Server, "bench.test");
        var json = EnvelopeDocument.Serialize(envelope, SniffedHeaders.Parse(Encoding.UTF8.GetBytes(headers)), eml.Length);
        File.WriteAllBytes(Path.Combine(directory, id + ".json"), json);
        File.WriteAllBytes(Path.Combine(directory, id + ".eml"), eml);
    }
}

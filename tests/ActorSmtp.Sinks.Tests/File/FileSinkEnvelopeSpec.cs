using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>The &lt;id&gt;.json beside each message: every envelope field, read back from the file.</summary>
public sealed class FileSinkEnvelopeSpec(ITestOutputHelper output) : FileSinkSpecBase(output)
{
    private const string HeaderBlock =
        "Message-ID: <note-1@example.com>\r\n" +
        "From: Ann Sender <sender@example.com>\r\n" +
        "To: Bob <bob@example.net>\r\n" +
        "Cc: carol@example.org\r\n" +
        "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n" +
        "Date: Thu, 02 Jan 2025 03:04:05 +0200\r\n" +
        "\r\n";

    [Fact]
    public async Task Records_the_envelope_and_the_sniffed_headers()
    {
        var id = NewId();
        var envelope = new SmtpEnvelope(
            id,
            new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            "sender@example.com",
            ["bob@example.net", "carol@example.org"],
            new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40123),
            new IPEndPoint(IPAddress.Parse("2001:db8::25"), 25),
            "client.example.com",
            SmtpUtf8: true,
            EightBitMime: false);
        var body = Bytes(HeaderBlock + "Hello\r\n");

        await StoreAsync(CreateSink(), new SinkProtocol.Store(envelope, Headers(HeaderBlock), Body(body)));

        using var json = ReadEnvelope(id);
        var root = json.RootElement;
        Assert.Equal(id, root.GetProperty("id").GetString());
        Assert.Equal("2025-01-02T01:04:05Z", root.GetProperty("received-at").GetString());
        Assert.Equal("sender@example.com", root.GetProperty("mail-from").GetString());
        Assert.Equal(["bob@example.net", "carol@example.org"], Strings(root.GetProperty("rcpt-to")));
        Assert.Equal("192.0.2.10", root.GetProperty("client").GetProperty("address").GetString());
        Assert.Equal(40123, root.GetProperty("client").GetProperty("port").GetInt32());
        Assert.Equal("2001:db8::25", root.GetProperty("server").GetProperty("address").GetString());
        Assert.Equal(25, root.GetProperty("server").GetProperty("port").GetInt32());
        Assert.Equal("client.example.com", root.GetProperty("helo").GetString());
        Assert.Equal(body.Length, root.GetProperty("size").GetInt64());
        Assert.True(root.GetProperty("smtputf8").GetBoolean());
        Assert.False(root.GetProperty("8bitmime").GetBoolean());
        var headers = root.GetProperty("headers");
        Assert.Equal("<note-1@example.com>", headers.GetProperty("message-id").GetString());
        Assert.Equal(["sender@example.com"], Strings(headers.GetProperty("from")));
        Assert.Equal(["bob@example.net"], Strings(headers.GetProperty("to")));
        Assert.Equal(["carol@example.org"], Strings(headers.GetProperty("cc")));
        Assert.Equal("Grüße", headers.GetProperty("subject").GetString());
        Assert.Equal(envelope.ReceivedAt, headers.GetProperty("date").GetDateTimeOffset());
        Assert.False(root.GetProperty("header-recipients-differ").GetBoolean());
    }

    [Fact]
    public async Task Flags_header_recipients_that_differ_from_the_envelope()
    {
        // A Bcc recipient is in the envelope only (RFC 5321 §3.3 vs RFC 5322 §3.6.3).
        var id = NewId();
        var envelope = Envelope(id, "bob@example.net", "carol@example.org", "hidden@example.com");

        await StoreAsync(CreateSink(), new SinkProtocol.Store(envelope, Headers(HeaderBlock), Body(Bytes(HeaderBlock))));

        using var json = ReadEnvelope(id);
        Assert.True(json.RootElement.GetProperty("header-recipients-differ").GetBoolean());
    }

    [Fact]
    public async Task Writes_indented_utf8_without_escaping_non_ascii()
    {
        var id = NewId();

        await StoreAsync(CreateSink(), new SinkProtocol.Store(Envelope(id), Headers(HeaderBlock), Body(Bytes("x\r\n"))));

        var text = System.IO.File.ReadAllText(Path.Combine(MailDirectory, id + ".json"), Encoding.UTF8);
        Assert.Contains("\"subject\": \"Grüße\"", text);
        Assert.Contains("\n  \"mail-from\": ", text);
        Assert.EndsWith("}\n", text); // a text file: `cat`, `tail` and `jq` users expect the final newline
    }

    private JsonDocument ReadEnvelope(string id) =>
        JsonDocument.Parse(System.IO.File.ReadAllBytes(Path.Combine(MailDirectory, id + ".json")));

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(item => item.GetString() ?? "(null)").ToArray();
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using ActorSmtp.Sinks;

namespace ActorSmtp.Samples.WebhookSink;

/// <summary>
/// Builds the POST for one message: <c>multipart/form-data</c> with an <c>envelope</c> part (JSON) and a
/// <c>message</c> part (<c>message/rfc822</c>, the exact bytes, streamed), plus the id, timestamp and
/// signature headers.
/// </summary>
internal static class WebhookRequest
{
    public const string IdHeader = "X-ActorSmtp-Id";
    public const string TimestampHeader = "X-ActorSmtp-Timestamp";
    public const string SignatureHeader = "X-ActorSmtp-Signature";

    public static (HttpRequestMessage Request, MessageBodyContent Message) Create(
        WebhookSettings settings, SinkProtocol.Store store, DateTimeOffset now)
    {
        var envelope = EnvelopeJson(store);
        var envelopePart = new ByteArrayContent(envelope);
        envelopePart.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var messagePart = new MessageBodyContent(store.Body);
        messagePart.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        var form = new MultipartFormDataContent("actorsmtp-" + Guid.NewGuid().ToString("N"))
        {
            { envelopePart, "envelope" },
            { messagePart, "message", store.MessageId + ".eml" },
        };

        var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = form };
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add(IdHeader, store.MessageId);
        request.Headers.Add(TimestampHeader, timestamp);
        if (settings.Secret.Length > 0)
            request.Headers.Add(SignatureHeader, Signature(settings.Secret, timestamp, envelope));
        foreach (var (name, value) in settings.Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return (request, messagePart);
    }

    /// <summary>
    /// <c>sha256=</c> and the hex HMAC-SHA256 of <c>timestamp "." envelope-part-bytes</c>. It signs the
    /// envelope (which names the message id), not the streamed message: that would need the whole message
    /// before the first byte is sent. Use https for the message's integrity.
    /// </summary>
    public static string Signature(byte[] secret, string timestamp, byte[] envelope)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(System.Text.Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(envelope);
        return "sha256=" + Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    private static byte[] EnvelopeJson(SinkProtocol.Store store)
    {
        var envelope = store.Envelope;
        var headers = store.Headers;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", envelope.MessageId);
            json.WriteString("received-at", envelope.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("mail-from", envelope.MailFrom);
            json.WriteStartArray("rcpt-to");
            foreach (var recipient in envelope.RcptTo)
                json.WriteStringValue(recipient);
            json.WriteEndArray();
            json.WriteString("client", envelope.Client.ToString());
            json.WriteString("helo", envelope.HeloName);
            json.WriteBoolean("smtputf8", envelope.SmtpUtf8);
            json.WriteBoolean("8bitmime", envelope.EightBitMime);
            json.WriteString("tls", envelope.Tls is { } tls ? $"{tls.Protocol} {tls.CipherSuite}" : null);
            json.WriteString("authenticated-as", envelope.AuthenticatedAs);
            json.WriteString("message-id", headers.MessageId);
            json.WriteString("subject", headers.Subject);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorSmtp.Sinks;

/// <summary>
/// The envelope document the built-in sinks store beside each message (the file sink's <c>&lt;id&gt;.json</c>,
/// the blob sink's <c>&lt;name&gt;.json</c>); a custom sink may store it too. Property names are kebab-case
/// ("received-at", "mail-from", "rcpt-to"); this format is a public contract.
/// </summary>
/// <remarks>
/// RFC 5321 §4.4 wants a trace line in the content; the sink keeps the stored bytes exact instead and
/// records the trace data (client, helo, time) here. "mail-from" is empty for the null sender &lt;&gt;.
/// </remarks>
public sealed record EnvelopeDocument(
    string Id,
    DateTime ReceivedAt,
    string MailFrom,
    IReadOnlyList<string> RcptTo,
    EnvelopeDocument.Endpoint Client,
    EnvelopeDocument.Endpoint Server,
    string Helo,
    long Size,
    // Named as the ESMTP keywords: RFC 6531 SMTPUTF8, RFC 6152 BODY=8BITMIME.
    [property: JsonPropertyName("smtputf8")] bool SmtpUtf8,
    [property: JsonPropertyName("8bitmime")] bool EightBitMime,
    EnvelopeDocument.HeaderFields Headers,
    bool HeaderRecipientsDiffer,
    TlsInfo? Tls,
    string? AuthenticatedAs,
    // What the policies attached; absent when none did, so documents without policies are as before.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Tags = null,
    // The faults actorsmtp.faults injected on the way to it; absent when none was.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<InjectedFault>? Faults = null,
    // Who really sent it (SPF, DKIM, DMARC, ARC, blocklists); absent when every check is off.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AuthenticationResults? Authentication = null)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        WriteIndented = true,
        // A file, not HTML: keep non-ASCII names and subjects readable (RFC 6531 allows UTF-8 here).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The UTF-8 JSON for one message of <paramref name="size"/> bytes, ending with a newline (a text file, POSIX).</summary>
    public static byte[] Serialize(SmtpEnvelope envelope, SniffedHeaders headers, long size)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(From(envelope, headers, size), Options);
        Array.Resize(ref json, json.Length + 1);
        json[^1] = (byte)'\n';
        return json;
    }

    private static EnvelopeDocument From(SmtpEnvelope envelope, SniffedHeaders headers, long size) => new(
        envelope.MessageId,
        envelope.ReceivedAt.UtcDateTime,
        envelope.MailFrom,
        envelope.RcptTo,
        Endpoint.From(envelope.Client),
        Endpoint.From(envelope.Server),
        envelope.HeloName,
        size,
        envelope.SmtpUtf8,
        envelope.EightBitMime,
        new HeaderFields(headers.MessageId, headers.From, headers.To, headers.Cc, headers.Subject, headers.Date),
        headers.RecipientsDifferFrom(envelope.RcptTo),
        envelope.Tls,
        envelope.AuthenticatedAs,
        envelope.Tags,
        envelope.Faults is { Count: > 0 } faults ? [.. faults] : null,
        envelope.Authentication?.Results);

    /// <summary>An address and port; the address as text, so IPv4 and IPv6 read naturally.</summary>
    public sealed record Endpoint(string Address, int Port)
    {
        public static Endpoint From(IPEndPoint endpoint) => new(endpoint.Address.ToString(), endpoint.Port);
    }

    /// <summary>The header fields sniffed before the sink (Message-ID, From, To, Cc, Subject, Date).</summary>
    public sealed record HeaderFields(
        string? MessageId,
        IReadOnlyList<string> From,
        IReadOnlyList<string> To,
        IReadOnlyList<string> Cc,
        string? Subject,
        DateTimeOffset? Date);
}

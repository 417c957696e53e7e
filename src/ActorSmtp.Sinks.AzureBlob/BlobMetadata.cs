using System.Globalization;
using System.Text;

namespace ActorSmtp.Sinks.AzureBlob;

/// <summary>
/// The envelope as blob metadata, so that a listing or a BlobCreated event shows it without reading the
/// sidecar: <c>id mail_from rcpt_to client helo received_at message_id tls authenticated_as</c>.
/// </summary>
/// <remarks>
/// <para>
/// Names use <c>_</c>, not <c>-</c>: Azure requires metadata names to be C# identifiers and refuses a
/// hyphen with <c>400 InvalidMetadata</c> (Azurite accepts it, Azure does not).
/// </para>
/// <para>
/// Values travel as HTTP headers (<c>x-ms-meta-*</c>), so they must be printable ASCII. A value that is
/// not (SMTPUTF8 addresses, control bytes), or that has leading or trailing blanks, a <c>%</c>, or begins
/// with <c>=?</c>, is sent as one RFC 2047 encoded word, <c>=?utf-8?B?&lt;base64 of UTF-8&gt;?=</c>
/// (not folded, so it may be longer than RFC 2047's 75 characters). The null sender is <c>&lt;&gt;</c>.
/// Absent values (<c>tls</c> on plain SMTP, <c>authenticated_as</c> without AUTH, <c>message_id</c>
/// without a Message-ID header) are left out.
/// </para>
/// <para>
/// Azure caps a blob's metadata at 8 KB (names and values together). Single values are cut at
/// <see cref="MaxValueLength"/> characters (with <c>...</c>), and <c>rcpt_to</c> (comma separated) keeps
/// as many recipients as fit, then <c> (+N more)</c>. The sidecar always has everything.
/// </para>
/// </remarks>
internal static class BlobMetadata
{
    /// <summary>Total budget for names and values; Azure's limit is 8 KiB, a margin stays free.</summary>
    public const int MaxTotalSize = 8000;

    public const int MaxValueLength = 512;

    private const string EncodedPrefix = "=?utf-8?B?";
    private const string EncodedSuffix = "?=";

    public static Dictionary<string, string> For(SmtpEnvelope envelope, SniffedHeaders headers)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(metadata, "id", envelope.MessageId);
        Add(metadata, "mail_from", envelope.MailFrom.Length == 0 ? "<>" : envelope.MailFrom);
        Add(metadata, "client", envelope.Client.ToString());
        Add(metadata, "helo", envelope.HeloName);
        Add(metadata, "received_at", envelope.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        Add(metadata, "message_id", headers.MessageId);
        Add(metadata, "tls", envelope.Tls is { } tls ? $"{tls.Protocol} {tls.CipherSuite}" : null);
        Add(metadata, "authenticated_as", envelope.AuthenticatedAs);
        var used = metadata.Sum(pair => pair.Key.Length + pair.Value.Length);
        metadata["rcpt_to"] = Recipients(envelope.RcptTo, MaxTotalSize - used - "rcpt_to".Length);
        return metadata;
    }

    /// <summary>The value as is when it is safe in an HTTP header, else as one RFC 2047 encoded word.</summary>
    public static string Encode(string value) => IsHeaderSafe(value)
        ? value
        : EncodedPrefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + EncodedSuffix;

    /// <summary>The inverse of <see cref="Encode"/>, for readers of the metadata (and the tests).</summary>
    public static string Decode(string value) =>
        value.StartsWith(EncodedPrefix, StringComparison.Ordinal) && value.EndsWith(EncodedSuffix, StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(value[EncodedPrefix.Length..^EncodedSuffix.Length]))
            : value;

    private static void Add(Dictionary<string, string> metadata, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        var encoded = Encode(value);
        // Rare: SMTP caps paths at 256 octets and HELO lines at 512; AUTH identities may be longer.
        var keep = value.Length;
        while (encoded.Length > MaxValueLength)
        {
            keep = Math.Max(1, keep * MaxValueLength / encoded.Length - 4); // shrinks every round
            if (char.IsLowSurrogate(value[keep]))
                keep--;
            encoded = Encode(value[..keep] + "...");
        }
        metadata[name] = encoded;
    }

    // Counted, not re-encoded per candidate: the length of the encoded value follows from the UTF-8 length.
    private static string Recipients(IReadOnlyList<string> recipients, int budget)
    {
        var utf8Length = 0;
        var rawLength = 0;
        var needsEncoding = false;
        var taken = 0;
        for (; taken < recipients.Count; taken++)
        {
            var separator = taken > 0 ? 1 : 0;
            var nextUtf8 = utf8Length + separator + Encoding.UTF8.GetByteCount(recipients[taken]);
            var nextRaw = rawLength + separator + recipients[taken].Length;
            var nextNeeds = needsEncoding || !IsHeaderSafe(recipients[taken]);
            var suffix = taken + 1 < recipients.Count ? $" (+{recipients.Count - taken - 1} more)".Length : 0;
            if (EncodedLength(nextRaw + suffix, nextUtf8 + suffix, nextNeeds) > budget)
                break;
            (utf8Length, rawLength, needsEncoding) = (nextUtf8, nextRaw, nextNeeds);
        }
        var value = string.Join(',', recipients.Take(taken));
        if (taken < recipients.Count)
            value += $" (+{recipients.Count - taken} more)";
        return Encode(value);
    }

    private static int EncodedLength(int rawLength, int utf8Length, bool encoded) =>
        encoded ? EncodedPrefix.Length + (utf8Length + 2) / 3 * 4 + EncodedSuffix.Length : rawLength;

    private static bool IsHeaderSafe(string value) =>
        value.Length > 0
        && value[0] != ' ' && value[^1] != ' '
        && !value.StartsWith("=?", StringComparison.Ordinal)
        && value.All(c => c is >= ' ' and <= '~' and not '%');
}

using System.Runtime.InteropServices;
using MimeKit;
using MimeKit.Utils;

namespace ActorSmtp.Sinks;

/// <summary>
/// Header fields read once with MimeKit from a bounded copy of the header block, before the
/// message reaches any sink, so no sink has to read the body for them.
/// </summary>
public sealed class SniffedHeaders
{
    public static readonly SniffedHeaders Empty = new(new HeaderList());

    private SniffedHeaders(HeaderList headers)
    {
        All = headers;
        MessageId = headers[HeaderId.MessageId]?.Trim();
        Subject = headers[HeaderId.Subject];
        Date = DateUtils.TryParse(headers[HeaderId.Date] ?? "", out var date) ? date : null;
        From = Addresses(headers, HeaderId.From);
        To = Addresses(headers, HeaderId.To);
        Cc = Addresses(headers, HeaderId.Cc);
    }

    /// <summary>Every header field of the block, raw values kept.</summary>
    public HeaderList All { get; }

    public string? MessageId { get; }
    public string? Subject { get; }
    public DateTimeOffset? Date { get; }
    public IReadOnlyList<string> From { get; }
    public IReadOnlyList<string> To { get; }
    public IReadOnlyList<string> Cc { get; }

    /// <summary>Parses a header block (the bytes before the first empty line). Malformed fields are skipped.</summary>
    public static SniffedHeaders Parse(ReadOnlyMemory<byte> headerBlock)
    {
        if (headerBlock.IsEmpty)
            return Empty;
        using var stream = MemoryMarshal.TryGetArray(headerBlock, out var array)
            ? new MemoryStream(array.Array!, array.Offset, array.Count, writable: false)
            : new MemoryStream(headerBlock.ToArray(), writable: false);
        try
        {
            return new SniffedHeaders(HeaderList.Load(ParserOptions.Default, stream));
        }
        catch (FormatException)
        {
            return Empty;
        }
    }

    /// <summary>
    /// True when the To/Cc addresses differ from the envelope recipients. Both are worth keeping:
    /// Bcc, lists and forwarding make them differ legitimately, spoofing makes them differ too.
    /// </summary>
    public bool RecipientsDifferFrom(IEnumerable<string> envelopeRecipients)
    {
        var inHeaders = new HashSet<string>(To.Concat(Cc), StringComparer.OrdinalIgnoreCase);
        var inEnvelope = new HashSet<string>(envelopeRecipients, StringComparer.OrdinalIgnoreCase);
        return !inHeaders.SetEquals(inEnvelope);
    }

    private static IReadOnlyList<string> Addresses(HeaderList headers, HeaderId id)
    {
        var value = headers[id];
        if (value is null || !InternetAddressList.TryParse(value, out var list))
            return [];
        return list.Mailboxes.Select(m => m.Address).ToArray();
    }
}

using System.Text;
using ActorSmtp.MessageAuthentication.Reporting;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.SenderAuthentication;

/// <summary>
/// add-authentication-results: one <c>Authentication-Results</c> field (RFC 8601) prepended to the message as the sink
/// gets it. Fields already in the header block that claim our authserv-id are forged or stale and are removed (§5),
/// whole with their folded lines; every other byte stays as the client sent it.
/// </summary>
internal static class AuthenticationResultsField
{
    private static ReadOnlySpan<byte> Name => "authentication-results"u8;

    public static byte[] Prepend(ReadOnlyMemory<byte> message, string authservId, AuthenticationResults results)
    {
        var field = Encoding.UTF8.GetBytes("Authentication-Results: " + AuthenticationResultsHeader.Format(authservId, results) + "\r\n");
        var kept = new MemoryStream(field.Length + message.Length);
        kept.Write(field);
        var span = message.Span;
        var at = 0;
        foreach (var (start, length) in ClaimingFields(span, authservId))
        {
            kept.Write(span[at..start]);
            at = start + length;
        }
        kept.Write(span[at..]);
        return kept.ToArray();
    }

    /// <summary>The Authentication-Results fields of the header block that claim <paramref name="authservId"/>.</summary>
    private static List<(int Start, int Length)> ClaimingFields(ReadOnlySpan<byte> message, string authservId)
    {
        var found = new List<(int, int)>();
        var at = 0;
        while (at < message.Length && !message[at..].StartsWith("\r\n"u8)) // the empty line ends the block (RFC 5322 §2.1)
        {
            var length = FieldLength(message[at..]);
            var field = message.Slice(at, length);
            var colon = field.IndexOf((byte)':');
            if (colon > 0 && Ascii.EqualsIgnoreCase(field[..colon].TrimEnd(" \t"u8), Name)
                && AuthservIdClaim.Claims(Encoding.UTF8.GetString(field[(colon + 1)..]), authservId))
                found.Add((at, length));
            at += length;
        }
        return found;
    }

    /// <summary>One field: its line and the folded lines after it (they start with SP or HTAB), CRLFs included.</summary>
    private static int FieldLength(ReadOnlySpan<byte> rest)
    {
        var length = 0;
        do
        {
            var end = rest[length..].IndexOf("\r\n"u8);
            length = end < 0 ? rest.Length : length + end + 2;
        }
        while (length < rest.Length && rest[length] is (byte)' ' or (byte)'\t');
        return length;
    }
}

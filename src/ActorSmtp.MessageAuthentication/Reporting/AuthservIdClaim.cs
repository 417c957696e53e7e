using System.Text;

namespace ActorSmtp.MessageAuthentication.Reporting;

/// <summary>
/// Finds <c>Authentication-Results</c> fields that claim this server's authserv-id, which a message arriving from
/// outside can only carry as a forgery (RFC 8601 §5: remove them before adding ours).
/// </summary>
public static class AuthservIdClaim
{
    /// <summary>
    /// True when the field value's authserv-id (its first value, after CFWS and comments; RFC 8601 §2.2) equals
    /// <paramref name="authservId"/>, ignoring case. A version number after the id does not change the claim.
    /// </summary>
    /// <param name="headerValue">The field value, after the colon (folding may remain).</param>
    public static bool Claims(string headerValue, string authservId)
    {
        var position = Cfws.Skip(headerValue, 0);
        var id = Cfws.ReadValue(headerValue, ref position);
        return id is not null && id.Equals(authservId, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The same over raw bytes (decoded as UTF-8; an authserv-id is ASCII).</summary>
    public static bool Claims(ReadOnlySpan<byte> headerValue, string authservId) =>
        Claims(Encoding.UTF8.GetString(headerValue), authservId);

    /// <summary>
    /// The byte ranges of the header fields to drop: each whole <c>Authentication-Results</c> field claiming
    /// <paramref name="authservId"/>, from its name to the line break ending its last continuation line.
    /// </summary>
    /// <param name="message">The header section, or the whole message: the scan stops at the first empty line.</param>
    public static IReadOnlyList<Range> ClaimingFields(ReadOnlySpan<byte> message, string authservId)
    {
        var claiming = new List<Range>();
        var start = 0;
        while (start < message.Length && !IsEmptyLine(message[start..]))
        {
            var end = FieldEnd(message, start);
            if (IsClaim(message[start..end], authservId))
                claiming.Add(new Range(start, end));
            start = end;
        }
        return claiming;
    }

    /// <summary>
    /// <paramref name="message"/> without the fields <see cref="ClaimingFields"/> finds; every other byte (CRLF or a bare
    /// LF, folding, 8-bit text, the body) is kept exactly as it was.
    /// </summary>
    public static byte[] RemoveClaimingFields(ReadOnlySpan<byte> message, string authservId)
    {
        var ranges = ClaimingFields(message, authservId);
        if (ranges.Count == 0)
            return message.ToArray();
        using var kept = new MemoryStream(message.Length);
        var from = 0;
        foreach (var range in ranges)
        {
            kept.Write(message[from..range.Start.Value]);
            from = range.End.Value;
        }
        kept.Write(message[from..]);
        return kept.ToArray();
    }

    /// <summary>RFC 5322 §2.2.3: a field continues on lines that start with a space or a tab.</summary>
    private static int FieldEnd(ReadOnlySpan<byte> message, int start)
    {
        var end = start;
        do
        {
            var lf = message[end..].IndexOf((byte)'\n');
            end = lf < 0 ? message.Length : end + lf + 1;
        }
        while (end < message.Length && message[end] is (byte)' ' or (byte)'\t');
        return end;
    }

    private static bool IsEmptyLine(ReadOnlySpan<byte> rest) =>
        rest[0] == '\n' || (rest[0] == '\r' && rest.Length > 1 && rest[1] == '\n');

    private static bool IsClaim(ReadOnlySpan<byte> field, string authservId)
    {
        var colon = field.IndexOf((byte)':');
        if (colon < 0)
            return false;
        // RFC 5322 §4.5.2 (obsolete syntax): white space may sit between the name and the colon.
        var name = field[..colon].TrimEnd(" \t"u8);
        return Ascii.EqualsIgnoreCase(name, AuthenticationResultsHeader.FieldName)
            && Claims(field[(colon + 1)..], authservId);
    }
}

using System.Buffers.Text;
using System.Text;
using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Protocol.Addresses;

public enum BodyType
{
    SevenBit,
    EightBitMime,
}

/// <summary>
/// The ESMTP parameters of MAIL FROM this server advertises: SIZE (RFC 1870), BODY (RFC 6152)
/// and SMTPUTF8 (RFC 6531). Anything else is refused with 555 (RFC 5321 §4.1.1.11).
/// </summary>
public sealed record MailParameters(long? DeclaredSize, BodyType Body, bool SmtpUtf8)
{
    public static readonly MailParameters None = new(null, BodyType.SevenBit, false);

    /// <summary>Parses space-separated KEYWORD[=VALUE] items; returns null on success, else the reply to send.</summary>
    public static SmtpReply? TryParse(ReadOnlySpan<byte> text, out MailParameters parameters)
    {
        parameters = None;
        foreach (var range in text.Split((byte)' '))
        {
            var item = text[range];
            if (item.Length == 0)
                continue;
            var eq = item.IndexOf((byte)'=');
            var key = eq < 0 ? item : item[..eq];
            var value = eq < 0 ? [] : item[(eq + 1)..];
            var error = Apply(key, value, eq >= 0, ref parameters);
            if (error is not null)
                return error;
        }
        return null;
    }

    private static SmtpReply? Apply(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool hasValue, ref MailParameters p)
    {
        if (Ascii.EqualsIgnoreCase(key, "SIZE"u8))
        {
            if (p.DeclaredSize is not null) return StandardReplies.DuplicateParameter;
            if (!Utf8Parser.TryParse(value, out long size, out var used) || used != value.Length || size < 0)
                return StandardReplies.BadParameterValue;
            p = p with { DeclaredSize = size };
            return null;
        }
        if (Ascii.EqualsIgnoreCase(key, "BODY"u8))
        {
            if (Ascii.EqualsIgnoreCase(value, "8BITMIME"u8)) p = p with { Body = BodyType.EightBitMime };
            else if (Ascii.EqualsIgnoreCase(value, "7BIT"u8)) p = p with { Body = BodyType.SevenBit };
            else return StandardReplies.BadParameterValue;
            return null;
        }
        if (Ascii.EqualsIgnoreCase(key, "SMTPUTF8"u8))
        {
            if (hasValue) return StandardReplies.BadParameterValue;
            p = p with { SmtpUtf8 = true };
            return null;
        }
        return UnsupportedParameter(key);
    }

    /// <summary>The 555 reply naming the first keyword of <paramref name="parameters"/>.</summary>
    public static SmtpReply Unsupported(ReadOnlySpan<byte> parameters)
    {
        var end = parameters.IndexOfAny((byte)' ', (byte)'=');
        return UnsupportedParameter(end < 0 ? parameters : parameters[..end]);
    }

    private static SmtpReply UnsupportedParameter(ReadOnlySpan<byte> key) =>
        SmtpReply.Create(555, "5.5.4", $"Unsupported option: {Printable(key)}");

    // The keyword is echoed back, so only printable ASCII of bounded length goes into the reply.
    private static string Printable(ReadOnlySpan<byte> key)
    {
        var shown = key[..Math.Min(key.Length, 64)];
        var chars = new char[shown.Length];
        for (var i = 0; i < shown.Length; i++)
            chars[i] = shown[i] is >= 33 and <= 126 ? (char)shown[i] : '?';
        return new string(chars);
    }
}

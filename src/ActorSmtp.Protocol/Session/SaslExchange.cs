using System.Buffers.Text;
using System.Text;
using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Protocol.Session;

/// <summary>Credentials a client presented; verified by the connection, never logged.</summary>
public sealed record Credentials(string UserName, string Password);

/// <summary>
/// One AUTH exchange (RFC 4954) for PLAIN (RFC 4616) and LOGIN: collects the base64 responses to the
/// server's 334 challenges until the credentials are complete.
/// </summary>
internal sealed class SaslExchange
{
    // LOGIN's customary challenges: "Username:" and "Password:" in base64.
    private static readonly SmtpReply UserNameChallenge = SmtpReply.Create(334, null, "VXNlcm5hbWU6");
    private static readonly SmtpReply PasswordChallenge = SmtpReply.Create(334, null, "UGFzc3dvcmQ6");
    private static readonly SmtpReply EmptyChallenge = SmtpReply.Create(334, null, "");

    private readonly bool _plain;
    private string? _userName;

    private SaslExchange(bool plain) => _plain = plain;

    /// <summary>Starts an exchange, or returns the refusal for an unknown mechanism.</summary>
    public static SaslStep Start(ReadOnlySpan<byte> argument)
    {
        var space = argument.IndexOf((byte)' ');
        var mechanism = space < 0 ? argument : argument[..space];
        var initial = space < 0 ? default : argument[(space + 1)..];
        SaslExchange exchange;
        if (Ascii.EqualsIgnoreCase(mechanism, "PLAIN"u8))
            exchange = new SaslExchange(plain: true);
        else if (Ascii.EqualsIgnoreCase(mechanism, "LOGIN"u8))
            exchange = new SaslExchange(plain: false);
        else
            return new SaslStep(StandardReplies.UnknownAuthMechanism);
        if (space < 0)
            return new SaslStep(exchange._plain ? EmptyChallenge : UserNameChallenge, exchange);
        return exchange.Respond(initial);
    }

    /// <summary>Takes the client's response line to the last 334.</summary>
    public SaslStep Respond(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual("*"u8))
            return new SaslStep(StandardReplies.AuthAborted);
        if (!TryDecode(line, out var text))
            return new SaslStep(StandardReplies.AuthUndecodable);
        if (_plain)
            return Plain(text);
        if (_userName is null)
        {
            _userName = text;
            return new SaslStep(PasswordChallenge, this);
        }
        return new SaslStep(null, Credentials: new Credentials(_userName, text));
    }

    // RFC 4616: [authzid] NUL authcid NUL passwd.
    private static SaslStep Plain(string text)
    {
        var parts = text.Split('\0');
        return parts.Length == 3 && parts[1].Length > 0
            ? new SaslStep(null, Credentials: new Credentials(parts[1], parts[2]))
            : new SaslStep(StandardReplies.AuthUndecodable);
    }

    private static bool TryDecode(ReadOnlySpan<byte> line, out string text)
    {
        text = "";
        if (line.SequenceEqual("="u8))
            return true; // RFC 4954 §4: "=" is an empty initial response
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(line.Length)];
        if (Base64.DecodeFromUtf8(line, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
            return false;
        text = Encoding.UTF8.GetString(bytes, 0, written);
        return true;
    }
}

/// <summary>The next move of an exchange: a reply (334 challenge or refusal), and either more to come or the credentials.</summary>
internal readonly record struct SaslStep(SmtpReply? Reply, SaslExchange? Next = null, Credentials? Credentials = null);

using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace ActorSmtp.MessageAuthentication.Tests.Dkim;

/// <summary>
/// A signature with an l= tag (MimeKit's signer has none): MimeKit signs, the tag is added to its DKIM-Signature and
/// the header hash (relaxed, RFC 6376 §3.4.2) is signed again by hand. The body hash stays MimeKit's, over a body
/// exactly l octets long.
/// </summary>
internal static partial class LengthSignature
{
    public static string Sign(TestDkimKey key, MimeMessage message, int length)
    {
        message.Prepare(EncodingConstraint.SevenBit);
        key.Signer().Sign(TestDkimKey.FormatOptionsDos, message, [HeaderId.From, HeaderId.Subject]);
        var original = message.Headers[HeaderId.DkimSignature]!;
        var unsigned = BTag().Replace(Unfold(original), "b=") + $"; l={length}";
        var data = Relaxed("From", message.Headers[HeaderId.From]!) + Relaxed("Subject", message.Headers[HeaderId.Subject]!)
            + "dkim-signature:" + Collapse(unsigned);
        var b = Convert.ToBase64String(key.SignData(Encoding.ASCII.GetBytes(data)));
        message.Headers.Replace(HeaderId.DkimSignature, unsigned.Replace("b=;", $"b={b};"));
        return Encoding.ASCII.GetString(MimeMessages.WireBytes(message));
    }

    private static string Relaxed(string name, string value) => name.ToLowerInvariant() + ":" + Collapse(value) + "\r\n";

    private static string Collapse(string value) => Whitespace().Replace(Unfold(value), " ").Trim();

    private static string Unfold(string value) => value.Replace("\r\n", "").Replace("\n", "");

    [GeneratedRegex(@"(?<=(^|;)\s*)b=[^;]*")]
    private static partial Regex BTag();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Whitespace();
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorSmtp.Sinks.Relay.Smtp;

/// <summary>
/// The trace header a relay must add (RFC 5321 §4.4): from the client's HELO and address, by us, with the
/// protocol (RFC 3848, RFC 6531 §3.7.3), id, "for" the recipient when there is one only (more would tell each
/// recipient of the others), and the time DATA was accepted.
/// </summary>
internal static class ReceivedHeader
{
    public static byte[] For(SmtpEnvelope envelope, string byName)
    {
        var text = new StringBuilder("Received: from ")
            .Append(Clean(envelope.HeloName)).Append(" (").Append(Literal(envelope.Client.Address)).Append(")\r\n")
            .Append("\tby ").Append(byName).Append(" (ActorSmtp) with ").Append(Protocol(envelope))
            .Append(" id ").Append(envelope.MessageId);
        if (envelope.RcptTo is [var only])
            text.Append("\r\n\tfor <").Append(Clean(only)).Append('>');
        text.Append("; ").Append(Date(envelope.ReceivedAt)).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Protocol(SmtpEnvelope envelope) =>
        (envelope.SmtpUtf8 ? "UTF8SMTP" : "ESMTP") + (envelope.Tls is null ? "" : "S") + (envelope.AuthenticatedAs is null ? "" : "A");

    // RFC 5321 §4.1.3: [192.0.2.1], [IPv6:2001:db8::1]
    private static string Literal(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return plain.AddressFamily == AddressFamily.InterNetworkV6 ? $"[IPv6:{plain}]" : $"[{plain}]";
    }

    // RFC 5322 §3.3 date-time, in the zone of the timestamp.
    private static string Date(DateTimeOffset at) =>
        at.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + at.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "");

    // The client chose these words: keep them on their line and out of the comment syntax.
    private static string Clean(string word) =>
        string.Concat(word.Select(c => char.IsControl(c) || c is '(' or ')' or '<' or '>' or ';' ? '?' : c));
}

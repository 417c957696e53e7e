using System.Net;

namespace ActorSmtp.MessageAuthentication.Spf;

/// <summary>What an SPF check is about (RFC 7208 §4.1).</summary>
/// <param name="Client">The SMTP client's address (the PROXY header's, behind a proxy).</param>
/// <param name="MailFrom">The reverse path without &lt;&gt;; null or empty for the null sender, whose HELO name is checked (§2.4).</param>
/// <param name="Helo">The HELO/EHLO name.</param>
/// <param name="ReceiverHost">This server's name, the %{r} macro of explanations.</param>
public sealed record SpfRequest(IPAddress Client, string? MailFrom, string Helo, string ReceiverHost);

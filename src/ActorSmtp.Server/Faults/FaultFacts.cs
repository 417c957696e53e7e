using System.Net;
using ActorSmtp.Protocol.Addresses;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Faults;

/// <summary>What the session knows when a stage is reached: what a rule's conditions are matched against.</summary>
/// <param name="Client">The client's address (PROXY-resolved).</param>
/// <param name="Helo">The HELO/EHLO name (at the helo stage: the one being given).</param>
/// <param name="User">The AUTH identity (at the auth stage: the user name being tried).</param>
/// <param name="From">The reverse path, once MAIL gave it; empty for &lt;&gt;.</param>
/// <param name="Recipient">At RCPT: the recipient being given.</param>
/// <param name="Recipients">After RCPT: the transaction's recipients.</param>
/// <param name="Headers">At the body (once the header block is in) and the end of data.</param>
/// <param name="Chunk">At BDAT: which chunk of the message.</param>
internal readonly record struct FaultFacts(
    IPAddress Client, string? Helo = null, string? User = null, string? From = null, Mailbox? Recipient = null,
    IReadOnlyList<Mailbox>? Recipients = null, SniffedHeaders? Headers = null, int Chunk = 0);

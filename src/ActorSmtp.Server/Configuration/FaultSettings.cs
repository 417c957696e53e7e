using System.Net;
using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Server.Configuration;

/// <summary>Where a fault strikes (<c>at</c>): the command or moment of the session it replaces or holds up.</summary>
public enum FaultStage
{
    Connect,
    Helo,
    StartTls,
    Auth,
    Mail,
    Rcpt,
    /// <summary>The DATA command: its 354.</summary>
    Data,
    /// <summary>Message data, after <see cref="FaultRuleSettings.After"/> octets.</summary>
    Body,
    /// <summary>A BDAT command: chunk <see cref="FaultRuleSettings.Chunk"/> of the message.</summary>
    Bdat,
    /// <summary>The end of data: before the message is stored, or after (<see cref="FaultEffect.AfterStore"/>).</summary>
    EndOfData,
}

/// <summary>What a fault does.</summary>
public enum FaultAction
{
    /// <summary>Answer <see cref="FaultEffect.Reply"/> instead of the usual reply.</summary>
    Reply,
    /// <summary>Close the connection (FIN), answering nothing.</summary>
    Disconnect,
    /// <summary>Reset the connection (RST).</summary>
    Reset,
    /// <summary>Answer and read nothing for <see cref="FaultEffect.For"/>; the session's own deadline still ends it.</summary>
    Stall,
    /// <summary>Send every reply from now on at <see cref="FaultEffect.Rate"/> bytes per second.</summary>
    Slow,
    /// <summary>Answer after <see cref="FaultEffect.For"/>, then go on as usual.</summary>
    Delay,
    /// <summary>Store the message durably, then close the connection before the 250: the lost acknowledgement.</summary>
    StoreThenDisconnect,
    /// <summary>Store the message durably, then answer <see cref="FaultEffect.Reply"/> (451 by default): the duplicate-maker.</summary>
    StoreThenReply,
}

/// <summary>What a rule (or a recipient's tag) does once it fires.</summary>
/// <param name="Stage">Where.</param>
/// <param name="Action">What.</param>
/// <param name="Reply">The reply, for <see cref="FaultAction.Reply"/> and <see cref="FaultAction.StoreThenReply"/>.</param>
/// <param name="For">How long, for <see cref="FaultAction.Stall"/> (null: until the session's deadline) and <see cref="FaultAction.Delay"/>.</param>
/// <param name="Rate">Bytes per second, for <see cref="FaultAction.Slow"/>.</param>
/// <param name="AfterStore">At the end of data: the message is stored first (always so for the store-then actions).</param>
public sealed record FaultEffect(
    FaultStage Stage, FaultAction Action, SmtpReply? Reply = null, TimeSpan? For = null, int Rate = 0, bool AfterStore = false);

/// <summary>What a rule matches (<c>when</c>); a null condition matches anything. Patterns are globs (* and ?), case-insensitive.</summary>
/// <param name="Rcpt">A recipient: the one being given at RCPT; any of the transaction's later.</param>
/// <param name="From">The reverse path (MAIL FROM), without the angle brackets; empty for &lt;&gt;.</param>
/// <param name="Client">The client's address (PROXY-resolved) lies in this network.</param>
/// <param name="Helo">The HELO/EHLO name.</param>
/// <param name="User">The AUTH identity (at the auth stage: the user name being tried).</param>
/// <param name="Header">A header field of the message contains a text.</param>
public sealed record FaultConditions(
    string? Rcpt = null, string? From = null, IPNetwork? Client = null, string? Helo = null, string? User = null,
    HeaderCondition? Header = null)
{
    public static readonly FaultConditions Any = new();

    /// <summary>No matcher at all: the rule matches every client.</summary>
    public bool IsEmpty => this == Any;
}

/// <summary>The header field <paramref name="Name"/> (case-insensitive) contains <paramref name="Contains"/> (case-insensitive).</summary>
public sealed record HeaderCondition(string Name, string Contains);

/// <summary>One entry of <c>actorsmtp.faults.rules</c> (or one recipient tag), validated.</summary>
/// <param name="Name">How logs, metrics and the envelope name it: its <c>name</c>, else "rules[2]", or "tag fault-rcpt-451".</param>
/// <param name="After">At <see cref="FaultStage.Body"/>: the octets of message data received before it strikes.</param>
/// <param name="Chunk">At <see cref="FaultStage.Bdat"/>: which chunk of the message (1 = the first BDAT).</param>
/// <param name="Probability">The chance a match fires (0 &lt; p ≤ 1).</param>
/// <param name="Every">Fires at every Nth match only.</param>
/// <param name="Times">Fires this many times at most; 0 = no limit.</param>
public sealed record FaultRuleSettings(
    string Name, FaultConditions When, FaultEffect Effect, long After = 0, int Chunk = 1,
    double Probability = 1, int Every = 1, int Times = 0);

/// <summary><c>actorsmtp.faults</c>: scripted faults for testing senders. Off by default: then no rule is ever evaluated.</summary>
/// <param name="TagPrefix">Recipient tags that pick a fault (<c>bob+fault-rcpt-451@x.test</c>); "" = tags off.</param>
/// <param name="AllowGlobal">A rule without a matcher is allowed on a listener that is not on loopback.</param>
public sealed record FaultSettings(bool Enabled, string TagPrefix, bool AllowGlobal, IReadOnlyList<FaultRuleSettings> Rules)
{
    public static readonly FaultSettings Off = new(false, "", false, []);
}

using ActorSmtp.Protocol.Replies;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Faults;

/// <summary>
/// Recipient tags: a sender picks a fault for one message by its recipient, <c>bob+fault-rcpt-451@x.test</c>, with no
/// rule configured. Every segment of the local part after its first <c>+</c> that starts with the prefix
/// (<c>actorsmtp.faults.tag-prefix</c>, case-insensitive) is a tag, <c>PREFIX STAGE-ACTION[-ARG]</c>; other segments
/// are the address's own. STAGE is rcpt, data, body, bdat or eod (end-of-data). ACTION is
/// <c>NNN</c> (a 4xx/5xx reply: <c>rcpt-451</c> answers "451 4.0.0 Injected fault (tag fault-rcpt-451)"),
/// <c>disconnect</c>, <c>reset</c>, <c>stall</c> (until the session's deadline) or <c>stall-DURATION</c>,
/// <c>delay-DURATION</c>, <c>slow-RATE</c> (replies at RATE bytes per second, 1 to 1000000), and at eod only
/// <c>store-then-disconnect</c>, <c>store-then-reply</c> (451 4.3.0) or <c>store-then-reply-NNN</c>.
/// DURATION is digits and ms, s or m (<c>500ms</c>, <c>30s</c>, <c>2m</c>), more than 0 and at most 1h.
/// A tag at body strikes at the first octet, at bdat at the first chunk.
/// </summary>
internal static class FaultTags
{
    private static readonly TimeSpan LongestFor = TimeSpan.FromHours(1);

    private const int FastestRate = 1_000_000;

    /// <summary>Adds the faults <paramref name="localPart"/>'s tags ask for to <paramref name="into"/>.</summary>
    /// <returns>False, with <paramref name="invalid"/> the first tag that is not one (the recipient should be refused), when a tag is malformed.</returns>
    internal static bool TryParse(string localPart, string prefix, List<FaultRuleSettings> into, out string? invalid)
    {
        invalid = null;
        // Runs for every recipient while faults are on: an address without a '+' costs one scan and nothing else.
        var plus = localPart.IndexOf('+');
        if (plus < 0 || prefix.Length == 0)
            return true;
        var rest = localPart.AsSpan(plus + 1);
        while (true)
        {
            var end = rest.IndexOf('+');
            var segment = end < 0 ? rest : rest[..end];
            if (segment.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var name = segment.ToString();
                // ASCII only: a tag's name goes into its reply's text, and ignore-case would match "ſtall" (long s) for "stall".
                if (segment.ContainsAnyExceptInRange('!', '~') || Tag(segment[prefix.Length..], $"tag {name}") is not { } effect)
                {
                    invalid = name;
                    return false;
                }
                into.Add(new FaultRuleSettings($"tag {name}", FaultConditions.Any, effect, After: 0, Chunk: 1));
            }
            if (end < 0)
                return true;
            rest = rest[(end + 1)..];
        }
    }

    /// <summary>The effect of STAGE-ACTION[-ARG], or null when it is not one.</summary>
    private static FaultEffect? Tag(ReadOnlySpan<char> tag, string name)
    {
        var dash = tag.IndexOf('-');
        if (dash < 0 || Stage(tag[..dash]) is not { } stage)
            return null;
        var action = tag[(dash + 1)..];
        if (Is(action, "disconnect"))
            return new FaultEffect(stage, FaultAction.Disconnect);
        if (Is(action, "reset"))
            return new FaultEffect(stage, FaultAction.Reset);
        if (Is(action, "stall"))
            return new FaultEffect(stage, FaultAction.Stall);
        if (Argument(action, "stall-", out var stall))
            return Duration(stall) is { } stallFor ? new FaultEffect(stage, FaultAction.Stall, For: stallFor) : null;
        if (Argument(action, "delay-", out var delay))
            return Duration(delay) is { } delayFor ? new FaultEffect(stage, FaultAction.Delay, For: delayFor) : null;
        if (Argument(action, "slow-", out var slow))
            return int.TryParse(slow, System.Globalization.NumberStyles.None, null, out var rate) && rate is >= 1 and <= FastestRate
                ? new FaultEffect(stage, FaultAction.Slow, Rate: rate) : null;
        if (stage == FaultStage.EndOfData && StoreThen(action, name) is { } stored)
            return stored;
        return Reply(action, name) is { } reply ? new FaultEffect(stage, FaultAction.Reply, reply) : null;
    }

    /// <summary>Only at the end of data is there a message to store first.</summary>
    private static FaultEffect? StoreThen(ReadOnlySpan<char> action, string name)
    {
        if (Is(action, "store-then-disconnect"))
            return new FaultEffect(FaultStage.EndOfData, FaultAction.StoreThenDisconnect, AfterStore: true);
        if (Is(action, "store-then-reply"))
            return new FaultEffect(FaultStage.EndOfData, FaultAction.StoreThenReply, FaultReplyText.StoreThenReplyDefault, AfterStore: true);
        if (Argument(action, "store-then-reply-", out var code))
            return Reply(code, name) is { } reply ? new FaultEffect(FaultStage.EndOfData, FaultAction.StoreThenReply, reply, AfterStore: true) : null;
        return null;
    }

    // Tags go where a sender can put them: in the recipient, from RCPT on (earlier stages have no recipient yet).
    private static FaultStage? Stage(ReadOnlySpan<char> stage) =>
        Is(stage, "rcpt") ? FaultStage.Rcpt
        : Is(stage, "data") ? FaultStage.Data
        : Is(stage, "body") ? FaultStage.Body
        : Is(stage, "bdat") ? FaultStage.Bdat
        : Is(stage, "eod") ? FaultStage.EndOfData
        : null;

    /// <summary>NNN, a failure code: the enhanced code is its class's generic one (RFC 3463 §3.1: X.0.0).</summary>
    private static SmtpReply? Reply(ReadOnlySpan<char> code, string name) =>
        code.Length == 3 && int.TryParse(code, System.Globalization.NumberStyles.None, null, out var value) && FaultReplyText.IsFaultCode(value)
            ? SmtpReply.Create(value, $"{value / 100}.0.0", FaultReplyText.DefaultText(name))
            : null;

    /// <summary>Digits and ms, s or m; more than 0 and at most an hour.</summary>
    private static TimeSpan? Duration(ReadOnlySpan<char> text)
    {
        var (unit, scale) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (2, TimeSpan.TicksPerMillisecond)
            : text.EndsWith("s", StringComparison.OrdinalIgnoreCase) ? (1, TimeSpan.TicksPerSecond)
            : text.EndsWith("m", StringComparison.OrdinalIgnoreCase) ? (1, TimeSpan.TicksPerMinute)
            : (0, 0L);
        if (unit == 0 || text.Length == unit || text.Length - unit > 7
            || !long.TryParse(text[..^unit], System.Globalization.NumberStyles.None, null, out var amount))
            return null;
        var duration = TimeSpan.FromTicks(amount * scale);
        return duration > TimeSpan.Zero && duration <= LongestFor ? duration : null;
    }

    /// <summary>The ARG of <paramref name="head"/>ARG; false when <paramref name="action"/> is not that action with an argument.</summary>
    private static bool Argument(ReadOnlySpan<char> action, string head, out ReadOnlySpan<char> argument)
    {
        var matches = action.Length > head.Length && action.StartsWith(head, StringComparison.OrdinalIgnoreCase);
        argument = matches ? action[head.Length..] : default;
        return matches;
    }

    private static bool Is(ReadOnlySpan<char> text, string word) => text.Equals(word, StringComparison.OrdinalIgnoreCase);
}

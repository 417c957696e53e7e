using System.Text.RegularExpressions;

namespace ActorSmtp.Sinks.Relay.Smtp;

/// <summary>One reply of the upstream server: its code, its enhanced status code (RFC 3463) and its text.</summary>
/// <param name="Lines">The text of every line, code and separator removed (the EHLO keywords live here).</param>
internal sealed partial record UpstreamReply(int Code, IReadOnlyList<string> Lines)
{
    public bool IsPositive => Code is >= 200 and < 400;
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>RFC 2034 §4: the enhanced code opens the text of the first line; without one, the class alone (X.0.0).</summary>
    public string EnhancedCode => EnhancedPrefix().Match(Lines[0]) is { Success: true } match
        ? match.Groups[1].Value
        : $"{Code / 100}.0.0";

    /// <summary>The text without the enhanced code, all lines joined: what the client is shown.</summary>
    public string Text => string.Join(" ", Lines.Select((line, i) => i == 0 ? EnhancedPrefix().Replace(line, "") : line)).Trim();

    public override string ToString() => $"{Code} {string.Join(" / ", Lines)}";

    [GeneratedRegex(@"^([245]\.\d{1,3}\.\d{1,3})(?: |$)")]
    private static partial Regex EnhancedPrefix();
}

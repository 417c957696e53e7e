using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// A fault's reply as written in a rule: "CODE [ENHANCED] [TEXT]" ("451 4.3.0 Try again later", "554"). Only failures
/// can be injected: a made-up 2xx would tell the client a message was taken that was not.
/// </summary>
internal static class FaultReplyText
{
    public const int MaxTextLength = 400;

    /// <summary>What store-then-reply answers when its rule names no reply: the client will send the message again.</summary>
    public static readonly SmtpReply StoreThenReplyDefault = SmtpReply.Create(451, "4.3.0", "Try again later (injected fault)");

    /// <summary>A 4xx or 5xx code with a second digit RFC 5321 §4.2.1 defines (0 to 5).</summary>
    public static bool IsFaultCode(int code) => code is >= 400 and < 600 && code / 10 % 10 <= 5;

    /// <summary>The text a reply without one gets: it names the rule, so a sender's log says where the failure came from.</summary>
    public static string DefaultText(string ruleName) => $"Injected fault ({ruleName})";

    /// <summary>The reply <paramref name="text"/> describes, or null with <paramref name="problem"/> saying what is wrong.</summary>
    /// <param name="atConnect">RFC 5321 §3.1, §4.2: a greeting that refuses is 554 or 421, nothing else.</param>
    public static SmtpReply? Parse(string text, string ruleName, bool atConnect, out string? problem)
    {
        problem = null;
        var rest = text.AsSpan().Trim();
        if (rest.Length < 3 || !char.IsAsciiDigit(rest[0]) || !char.IsAsciiDigit(rest[1]) || !char.IsAsciiDigit(rest[2])
            || (rest.Length > 3 && rest[3] != ' '))
        {
            problem = $"must be \"CODE [ENHANCED] [TEXT]\" such as \"451 4.3.0 Try again later\", not \"{text}\"";
            return null;
        }
        var code = int.Parse(rest[..3]);
        if (!IsFaultCode(code))
            problem = $"the code must be a failure, 4xx or 5xx with a second digit of 0 to 5, not {code}";
        else if (atConnect && code is not (421 or 554))
            problem = $"at connect the code must be 421 or 554 (RFC 5321 §3.1), not {code}";
        if (problem is not null)
            return null;

        rest = rest[3..].TrimStart();
        var enhanced = $"{code / 100}.0.0";
        var first = rest.IndexOf(' ') is var space and >= 0 ? rest[..space] : rest;
        if (IsEnhancedShape(first))
        {
            if (first[0] - '0' != code / 100)
            {
                problem = $"the enhanced code {first} must have the class of {code} ({code / 100}.x.x, RFC 3463)";
                return null;
            }
            enhanced = first.ToString();
            rest = rest[first.Length..].TrimStart();
        }
        if (rest.Length > MaxTextLength)
            problem = $"the text must be at most {MaxTextLength} characters, not {rest.Length}";
        else if (rest.ContainsAnyExceptInRange(' ', '~'))
            problem = "the text must be printable ASCII"; // it goes on the wire as is (RFC 5321 §4.2: text is ASCII)
        return problem is null ? SmtpReply.Create(code, enhanced, rest.Length == 0 ? DefaultText(ruleName) : rest.ToString()) : null;
    }

    /// <summary>RFC 3463 §2: class "." subject "." detail, one digit for the class, one to three for subject and detail.</summary>
    private static bool IsEnhancedShape(ReadOnlySpan<char> token)
    {
        if (token.Length < 5 || !char.IsAsciiDigit(token[0]) || token[1] != '.')
            return false;
        var parts = token[2..];
        var dot = parts.IndexOf('.');
        return dot is >= 1 and <= 3 && parts.Length - dot - 1 is >= 1 and <= 3
            && !parts[..dot].ContainsAnyExceptInRange('0', '9') && !parts[(dot + 1)..].ContainsAnyExceptInRange('0', '9');
    }
}

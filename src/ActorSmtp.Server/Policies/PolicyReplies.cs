using System.Text.RegularExpressions;
using ActorSmtp.Policies;
using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Server.Policies;

/// <summary>
/// Turns a policy's refusal into the client's reply, after checking it: a reject is 5xx and a defer 4xx, with an
/// enhanced code of the same class (RFC 3463: class.subject.detail) and one line of printable text. A policy can
/// never send a 250 for a refusal, nor a malformed line: such a verdict becomes 451 4.3.0 (and a log line).
/// </summary>
public static partial class PolicyReplies
{
    public static readonly SmtpReply Unavailable = SmtpReply.Create(451, "4.3.0", "Policy unavailable, try again later");

    /// <summary>The reply for <paramref name="verdict"/>, or null when it is no refusal. <paramref name="problem"/> says why a reply was replaced.</summary>
    /// <param name="atConnect">The greeting stage: RFC 5321 §3.1 allows only 554 (refused) or 421 (closing) there.</param>
    public static SmtpReply? For(PolicyProtocol.Verdict verdict, bool atConnect, out string? problem)
    {
        problem = null;
        var (code, enhanced, text, expectedClass) = verdict switch
        {
            PolicyProtocol.Reject r => (r.Code, r.EnhancedCode, r.Text, 5),
            PolicyProtocol.Defer d => (d.Code, d.EnhancedCode, d.Text, 4),
            _ => (0, "", "", 0),
        };
        if (expectedClass == 0)
            return null;
        problem = Check(code, enhanced, text, expectedClass);
        if (problem is not null)
            return Unavailable;
        if (atConnect)
            code = expectedClass == 5 ? 554 : 421;
        return SmtpReply.Create(code, enhanced, text);
    }

    private static string? Check(int code, string? enhanced, string? text, int expectedClass)
    {
        if (code / 100 != expectedClass || code % 100 / 10 > 5)
            return $"code {code} is not a {expectedClass}xx reply";
        if (enhanced is null || !EnhancedCode().IsMatch(enhanced) || enhanced[0] - '0' != expectedClass)
            return $"enhanced code '{enhanced}' is not {expectedClass}.x.x";
        if (string.IsNullOrWhiteSpace(text) || text.Length > 400 || text.Any(c => c < ' ' || c > '~'))
            return "the text is empty, too long, or holds what is not printable ASCII (CR, LF)";
        return null;
    }

    // RFC 3463 §2: class "." subject (1–3 digits) "." detail (1–3 digits).
    [GeneratedRegex(@"^[245]\.\d{1,3}\.\d{1,3}$")]
    private static partial Regex EnhancedCode();
}

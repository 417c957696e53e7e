using Akka.Configuration;
using ActorSmtp.Policies;

namespace ActorSmtp.Server.Tests.Policies;

/// <summary>
/// A policy whose verdict the checked value spells: its first label (a HELO name, a local part) is one of
/// reject, defer, crash, fail, slow, invalid, tag, seen — anything else is accepted. At connect it answers its
/// <c>connect</c> key. <c>label</c> goes into the reject texts and tags, so a chain's order shows in the replies.
/// </summary>
public sealed class ScriptedPolicy(Config config) : PolicyActor
{
    private static int _checks;
    private readonly string _label = config.GetString("label", "p");

    /// <summary>Checks answered by every ScriptedPolicy so far (a stage without policies must add none).</summary>
    public static int Checks => Volatile.Read(ref _checks);

    protected override async ValueTask<PolicyProtocol.Verdict> CheckAsync(PolicyProtocol.Check check)
    {
        Interlocked.Increment(ref _checks);
        var word = check.Stage switch
        {
            PolicyStage.Connect => config.GetString("connect", "accept"),
            PolicyStage.Helo => check.HeloName!.Split('.')[0],
            PolicyStage.MailFrom => check.MailFrom!.Split('@')[0],
            _ => check.Recipient!.Split('@')[0],
        };
        switch (word)
        {
            case "reject":
                return new PolicyProtocol.Reject(550, "5.1.1", $"<{check.Recipient ?? check.MailFrom ?? check.HeloName}>: rejected by {_label}");
            case "defer":
                return new PolicyProtocol.Defer(450, "4.2.0", $"busy, says {_label}");
            case "crash":
                throw new InvalidOperationException("crashed on purpose");
            case "fail":
                await Task.Yield();
                throw new InvalidOperationException("failed on purpose, after an await");
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(5));
                return new PolicyProtocol.Reject(550, "5.7.1", "too late to matter");
            case "invalid":
                return new PolicyProtocol.Reject(250, "2.0.0", "a rejection that looks like success");
            case "seen": // what sender authentication told it: SPF (from MAIL on) and the blocklists
                return new PolicyProtocol.AcceptWith(new Dictionary<string, string>
                {
                    ["seen-spf"] = check.Authentication?.Spf?.Result.ToString() ?? "-",
                    ["seen-dnsbl"] = check.Authentication?.Dnsbl?.Score.ToString() ?? "-",
                });
            case "tag":
                return new PolicyProtocol.AcceptWith(new Dictionary<string, string> { [$"{_label}-{check.Stage}"] = check.Recipient ?? check.MailFrom ?? "" });
            default:
                return PolicyProtocol.Accept.Instance;
        }
    }
}

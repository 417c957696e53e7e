using Akka.Configuration;
using ActorSmtp.Policies;

namespace ActorSmtp.Sinks.Relay.Routing;

/// <summary>
/// The relay sink's RCPT check (added by the server when the relay is the default sink, <see cref="SinkPolicyAttribute"/>):
/// a transaction goes to one destination, so its reply after DATA is exactly that upstream's — never one destination
/// accepting and another refusing, so no duplicate and no loss. The first recipient's destination is kept as the tag
/// <c>relay-destination</c>; a recipient of another gets 452 4.5.3 and is sent by the client in its next transaction
/// (RFC 5321 §4.5.3.1.10). A domain that does not exist is refused here (550 5.1.2), DNS that does not answer defers
/// (451 4.4.3), before the sender spent the body on it. A smarthost is one destination: everything is accepted.
/// </summary>
[PolicyStages(PolicyStage.RcptTo)]
public sealed class RelayDestinationPolicy(Config relayBlock) : PolicyActor
{
    public const string Tag = "relay-destination";

    private readonly RelayDestinations _destinations = RelayDestinations.FromConfig(relayBlock, Context.System.Settings.Config);

    protected override async ValueTask<PolicyProtocol.Verdict> CheckAsync(PolicyProtocol.Check check)
    {
        var recipient = check.Recipient ?? "";
        var at = recipient.LastIndexOf('@');
        if (at < 0)
            return PolicyProtocol.Accept.Instance; // postmaster: the server's own
        var lookup = await _destinations.ResolveAsync(recipient[(at + 1)..], CancellationToken.None).ConfigureAwait(false);
        if (lookup.Destination is not { } destination)
            return lookup.IsTransient
                ? new PolicyProtocol.Defer(lookup.Code, lookup.EnhancedCode, lookup.Text)
                : new PolicyProtocol.Reject(lookup.Code, lookup.EnhancedCode, lookup.Text);
        if (check.Tags?.GetValueOrDefault(Tag) is { } first && first != destination.Key)
            return new PolicyProtocol.Defer(452, "4.5.3", "Too many destinations in one transaction: send this recipient in a new one");
        return new PolicyProtocol.AcceptWith(new Dictionary<string, string> { [Tag] = destination.Key });
    }
}

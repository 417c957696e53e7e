using Akka.Actor;
using Akka.Configuration;
using ActorSmtp.Policies.Recipients;
using ActorSmtp.Sinks.Testing;
using Xunit.Abstractions;

namespace ActorSmtp.Policies.Tests.Recipients;

/// <summary>The built-in directory against the policy contract: a known recipient (accepted) and the rest (550 5.1.1).</summary>
public sealed class RecipientPolicyContractSpec(ITestOutputHelper output) : PolicyContract(output)
{
    protected override Props CreatePolicy() => Props.Create(() => new RecipientDirectoryPolicy(
        ConfigurationFactory.ParseString("""addresses = ["alice@example.com"]""")));

    protected override IEnumerable<PolicyProtocol.Check> Checks() => base.Checks()
        .Concat(base.Checks().Where(c => c.Stage == PolicyStage.RcptTo).Select(c => c with { Recipient = "alice@example.com" }));
}

using System.Net;
using Akka.Actor;
using ActorSmtp.Policies;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Sinks.Testing;

/// <summary>
/// The policy contract as xunit facts: what every policy, built in or custom, must do with a
/// <see cref="PolicyProtocol.Check"/>. Subclass it, say how to create your policy and which checks it should see;
/// every fact then runs against it.
/// </summary>
/// <remarks>
/// The rules: answer every check exactly once, to its sender, with its id (the connection matches answers by id and
/// drops the rest); answer checks that arrive together independently, each with its own verdict; answer in time (the
/// default timeout is 2 s, after which the connection defers without you); give refusals the server will send as they
/// are: a reject is 5xx with a 5.x.x enhanced code, a defer 4xx with 4.x.x, the text one line of printable ASCII.
/// </remarks>
public abstract class PolicyContract : Akka.TestKit.Xunit2.TestKit
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("192.0.2.10"), 40000);
    private static readonly IPEndPoint Server = new(IPAddress.Loopback, 25);
    private IActorRef? _policy;

    protected PolicyContract(ITestOutputHelper? output = null, string? akkaConfig = null)
        : base(akkaConfig ?? "akka.loglevel = WARNING", output)
    {
    }

    /// <summary>Props of the policy under test, configured as a user would configure it. Called once per fact.</summary>
    protected abstract Props CreatePolicy();

    /// <summary>The checks to put to it; by default one per stage, with a recipient and sender of example.com.</summary>
    protected virtual IEnumerable<PolicyProtocol.Check> Checks() =>
    [
        new(0, PolicyStage.Connect, Client, Server),
        new(0, PolicyStage.Helo, Client, Server, HeloName: "client.example.com"),
        new(0, PolicyStage.MailFrom, Client, Server, HeloName: "client.example.com", MailFrom: "sender@example.com", Recipients: []),
        new(0, PolicyStage.RcptTo, Client, Server, HeloName: "client.example.com", MailFrom: "sender@example.com",
            Recipient: "someone@example.com", Recipients: []),
    ];

    /// <summary>How long an answer may take: the default policy timeout.</summary>
    protected virtual TimeSpan AnswerWithin => TimeSpan.FromSeconds(2);

    private IActorRef Policy => _policy ??= Sys.ActorOf(CreatePolicy());

    [Fact]
    public void Answers_every_check_once_with_its_id_and_a_well_formed_verdict()
    {
        var id = 0L;
        foreach (var check in Checks())
        {
            var asked = check with { Id = ++id };
            Policy.Tell(asked, TestActor);
            var answer = ExpectMsg<PolicyProtocol.Answer>(AnswerWithin);
            Assert.Equal(asked.Id, answer.CheckId);
            Assert.True(answer.Verdict is not null, $"the policy failed on the {asked.Stage} check");
            AssertWellFormed(answer.Verdict!, asked.Stage);
        }
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // once each
    }

    [Fact]
    public void Answers_a_hundred_checks_sent_at_once_each_with_its_own_id()
    {
        var checks = Enumerable.Range(0, 100).SelectMany(round => Checks().Select((c, i) => c with { Id = round * 100 + i + 1 })).ToArray();
        foreach (var check in checks)
            Policy.Tell(check, TestActor);

        var answered = ReceiveN(checks.Length, AnswerWithin * 5).Cast<PolicyProtocol.Answer>().Select(a => a.CheckId).Order().ToArray();
        Assert.Equal(checks.Select(c => c.Id).Order(), answered);
    }

    private static void AssertWellFormed(PolicyProtocol.Verdict verdict, PolicyStage stage)
    {
        switch (verdict)
        {
            case PolicyProtocol.Reject reject:
                AssertReply(reject.Code, reject.EnhancedCode, reject.Text, 5, stage);
                break;
            case PolicyProtocol.Defer defer:
                AssertReply(defer.Code, defer.EnhancedCode, defer.Text, 4, stage);
                break;
            case PolicyProtocol.AcceptWith accepted:
                Assert.All(accepted.Tags, tag => Assert.False(string.IsNullOrEmpty(tag.Key), "a tag needs a name"));
                break;
        }
    }

    private static void AssertReply(int code, string enhanced, string text, int expectedClass, PolicyStage stage)
    {
        Assert.True(code / 100 == expectedClass, $"{stage}: code {code} is not {expectedClass}xx");
        Assert.Matches($@"^{expectedClass}\.\d{{1,3}}\.\d{{1,3}}$", enhanced);
        Assert.False(string.IsNullOrWhiteSpace(text), $"{stage}: empty text");
        Assert.True(text.All(c => c is >= ' ' and <= '~'), $"{stage}: the text must be one line of printable ASCII");
    }
}

using ActorSmtp.Sinks.Relay.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Relay.Tests.Mx;

/// <summary>The relay sink with <c>mx = on</c>: each message goes to its recipients' MX host, found by unbound.</summary>
public sealed class MxRelaySpec(MxFixture mx, ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output), IClassFixture<MxFixture>
{
    private static readonly byte[] Message = Bytes("Subject: by MX\r\n\r\nhello\r\n");

    private async Task<(string Id, SinkProtocol.Result Result)> StoreThroughAsync(string? servers, params string[] recipients)
    {
        var sink = Sys.ActorOf(RelayBlocks.Props(ConfigurationFactory.ParseString("type = relay\n" + mx.Block(servers))));
        var id = NewId();
        sink.Tell(new SinkProtocol.Store(Envelope(id, recipients), SniffedHeaders.Empty, Body(Message)), TestActor);
        var result = await ExpectMsgAsync<SinkProtocol.Result>(TimeSpan.FromSeconds(30));
        Sys.Stop(sink);
        return (id, result);
    }

    private Task<(string Id, SinkProtocol.Result Result)> StoreAsync(params string[] recipients) => StoreThroughAsync(null, recipients);

    [Theory]
    [InlineData("someone@beta.test", "B", "mx.beta.test")] // its one MX
    [InlineData("someone@gamma.test", "B", "mx.beta.test")] // the preferred of two
    [InlineData("someone@alpha.test", "A", "mx.alpha.test")] // the preferred one is down: the next
    [InlineData("someone@plain.test", "A", "plain.test")] // no MX: its address
    public async Task Delivers_to_the_recipient_domain_MX_host(string recipient, string expected, string host)
    {
        var (id, result) = await StoreAsync(recipient);

        var stored = Assert.IsType<SinkProtocol.Stored>(result);
        var (upstream, other) = expected == "A" ? (mx.UpstreamA, mx.UpstreamB) : (mx.UpstreamB, mx.UpstreamA);
        Assert.True(MxFixture.Holds(upstream, id));
        Assert.False(MxFixture.Holds(other, id));
        Assert.Equal($"smtp://{host}:{mx.Port}", stored.Location);
    }

    [Fact]
    public async Task Recipients_of_domains_with_the_same_MX_hosts_go_in_one_transaction()
    {
        var (id, result) = await StoreAsync("one@gamma.test", "two@delta.test");

        Assert.IsType<SinkProtocol.Stored>(result);
        Assert.True(MxFixture.Holds(mx.UpstreamB, id));
    }

    [Fact]
    public async Task A_domain_that_does_not_exist_is_a_permanent_failure_5_1_2()
    {
        var (id, result) = await StoreAsync("someone@no-such-domain.test");

        var refused = Assert.IsType<SinkProtocol.PermanentFailure>(result);
        Assert.Equal((550, "5.1.2"), (refused.Code, refused.EnhancedCode));
        Assert.False(MxFixture.Holds(mx.UpstreamA, id) || MxFixture.Holds(mx.UpstreamB, id));
    }

    [Fact]
    public async Task A_resolver_that_does_not_answer_is_a_temporary_failure_4_4_3()
    {
        using var silent = new SilentUdpPort();

        var (_, result) = await StoreThroughAsync(silent.Server, "someone@alpha.test");

        var failure = Assert.IsType<SinkProtocol.TemporaryFailure>(result);
        Assert.Equal((451, "4.4.3"), (failure.Code, failure.EnhancedCode));
    }

    [Fact]
    public async Task Recipients_of_two_destinations_in_one_store_are_refused_rather_than_half_delivered()
    {
        var (id, result) = await StoreAsync("one@alpha.test", "two@beta.test");

        var refused = Assert.IsType<SinkProtocol.PermanentFailure>(result);
        Assert.Equal("5.5.3", refused.EnhancedCode);
        Assert.False(MxFixture.Holds(mx.UpstreamA, id) || MxFixture.Holds(mx.UpstreamB, id));
    }
}

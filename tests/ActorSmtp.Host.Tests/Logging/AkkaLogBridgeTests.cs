using ActorSmtp.Host.Logging;
using Akka.Event;
using Xunit;

namespace ActorSmtp.Host.Tests.Logging;

public class AkkaLogBridgeTests
{
    [Theory]
    [InlineData("Cluster (akka://actorsmtp)", "Akka.Cluster.Cluster")]
    [InlineData("remoting", "Akka.Remote.Remoting")]
    [InlineData("ActorSystem(actorsmtp)", "Akka.Actor.ActorSystem")]
    [InlineData("akka://actorsmtp/user/x", "Akka.Actor.ActorSystem")]
    public void A_logger_made_from_a_string_is_named_by_its_source_not_by_akkas_placeholder_class(string source, string category)
    {
        var entry = new Info(null, source, typeof(DummyClassForStringSources), "m");

        Assert.Equal(category, AkkaLogBridge.CategoryOf(entry));
    }

    [Fact]
    public void A_logger_made_from_a_class_keeps_the_class_name()
    {
        Assert.Equal(typeof(AkkaLogBridgeTests).FullName, AkkaLogBridge.CategoryOf(new Info(null, "x", typeof(AkkaLogBridgeTests), "m")));
    }

    [Fact]
    public void Akkas_manual_join_line_is_left_out_since_actorsmtp_joins_the_seed_nodes_itself()
    {
        var line = new Info(null, "Cluster (akka://actorsmtp)", typeof(DummyClassForStringSources),
            "Cluster Node [akka.tcp://actorsmtp@127.0.0.1:4053] - No seed-nodes configured, manual cluster join required, see https://getakka.net");

        Assert.True(AkkaLogBridge.IsSuperseded(line));
        Assert.False(AkkaLogBridge.IsSuperseded(new Info(null, "Cluster", typeof(DummyClassForStringSources), "Welcome from [x]")));
    }
}

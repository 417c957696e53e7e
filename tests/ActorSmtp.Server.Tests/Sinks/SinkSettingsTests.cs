using Akka.Actor;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.Server.Tests.Sinks;

public sealed class SinkSettingsTests
{
    [Theory]
    [InlineData("sink = a, sinks.a { type = null, fallback = b }, sinks.b { type = null, fallback = a }", "actorsmtp.sinks.b.fallback")]
    [InlineData("sink = a, sinks.a { type = fan-out, sinks = [b, a] }, sinks.b.type = null", "actorsmtp.sinks.a.sinks")]
    [InlineData("sink = a, sinks.a { type = fan-out, sinks = [b] }, sinks.b.type = null", "actorsmtp.sinks.a.sinks")]
    [InlineData("sink = a, sinks.a { type = fan-out, sinks = [b, b] }, sinks.b.type = null", "actorsmtp.sinks.a.sinks")]
    [InlineData("sink = a, sinks.a { type = fan-out, sinks = [b, c], fallback = b }, sinks.b.type = null, sinks.c.type = null", "actorsmtp.sinks.a.fallback")]
    [InlineData("sink = null, routes = [ { domains = [\"x.test\"], sink = nowhere } ]", "actorsmtp.routes[0].sink")]
    [InlineData("sink = null, routes = [ { sink = reject } ]", "actorsmtp.routes[0].domains")]
    [InlineData("sink = null, sinks.null.fallback = missing", "actorsmtp.sinks.null.fallback")]
    [InlineData("sink = null, sinks.null.circuit-breaker.max-failures = -1", "actorsmtp.sinks.null.circuit-breaker.max-failures")]
    public void Broken_sink_wiring_is_refused_naming_the_key(string hocon, string key)
    {
        // One setting per line: Akka's HOCON parser trips over "}, key" on one line.
        var lines = string.Join("\n", hocon.Split(", s").Select((part, i) => i == 0 ? part : "s" + part));
        var error = Assert.Throws<SettingsException>(() => ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString($"actorsmtp {{\n{lines}\n}}")));
        Assert.Equal(key, error.Key);
    }

    [Fact]
    public void Only_reachable_sinks_are_run_and_the_connection_waits_for_the_longest_chain()
    {
        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString("""
            actorsmtp {
              sink = primary
              sink-timeout = 2s
              routes = [ { domains = ["b.test"], sink = both } ]
              sinks {
                primary { type = null, timeout = 5s, fallback = spare }
                spare { type = null }
                both { type = fan-out, sinks = [spare, reject] }
                unused { type = "No.Such.Type, Nowhere" }
              }
            }
            """));
        Assert.Equal(["both", "primary", "reject", "spare"], settings.Sinks.Keys.Order());
        Assert.Equal(TimeSpan.FromSeconds(2), settings.Sinks["spare"].Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5 + 2 + 1), settings.SinkResponseDeadline); // primary, then its fallback, plus a margin
        var route = Assert.Single(settings.Routes);
        Assert.Equal("both", route.Sink);
    }

    [Theory]
    [InlineData("[reject, null]")]
    [InlineData("[reject, \"null\"]")]
    public void A_fan_out_member_named_null_is_the_null_sink_not_a_crash(string members)
    {
        // HOCON reads an unquoted null as no value (and Akka a quoted one too).
        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(
            $"actorsmtp {{ sink = both, sinks.both {{ type = fan-out, sinks = {members} }} }}"));

        Assert.Equal(["reject", "null"], settings.Sinks["both"].Members);
    }

    [Fact]
    public void Sink_types_registered_in_code_are_found_by_their_type_name()
    {
        var catalog = new SinkCatalog().Register("hook", config => Props.Create(() => new NullSink(config)));
        var settings = ActorSmtpSettings.FromConfig(
            ActorSmtpConfig.FromString("actorsmtp { sink = mine, sinks.mine { type = hook, url = \"http://127.0.0.1:1/\" } }"), catalog);
        Assert.NotNull(settings.Sinks["mine"].Props);
        Assert.Null(settings.Sinks["mine"].ActorType);

        var error = Assert.Throws<SettingsException>(() =>
            ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString("actorsmtp { sink = mine, sinks.mine.type = hook }")));
        Assert.Equal("actorsmtp.sinks.mine.type", error.Key); // not registered there
        Assert.Throws<ArgumentException>(() => new SinkCatalog().Register<NotASink>("bad"));
    }

    private sealed class NotASink : ReceiveActor;
}

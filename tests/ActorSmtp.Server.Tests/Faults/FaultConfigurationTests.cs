using System.Net;
using ActorSmtp.Host;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Xunit;

namespace ActorSmtp.Server.Tests.Faults;

/// <summary>actorsmtp.faults and the API's JSON rules: the contract of the README's examples, and every mistake named by its key.</summary>
public sealed class FaultConfigurationTests
{
    private const string Examples = """
        actorsmtp.faults {
          enabled = on
          rules = [
            { when { rcpt = "*@fail-rcpt.test" }, at = rcpt, reply = "451 4.3.0 Try again later" }
            { when { rcpt = "*+stall@*" },        at = end-of-data, action = stall, for = 90s }
            { when { from = "billing@*" },        at = end-of-data, action = store-then-disconnect }
            { when { client = "10.1.0.0/16" },    at = connect, reply = "421 4.7.0 Go away", probability = 0.1 }
          ]
        }
        """;

    private const string OnAllInterfaces = """actorsmtp.endpoints = [ { address = "0.0.0.0", port = 0 } ]""";

    private static FaultSettings Faults(string hocon) =>
        ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(hocon), ShippedSinks.Catalog()).Faults;

    private static FaultRuleSettings OneRule(string rule) => Assert.Single(Faults($"actorsmtp.faults.rules = [ {rule} ]").Rules);

    private static SettingsException Refused(string hocon) => Assert.Throws<SettingsException>(() => Faults(hocon));

    [Fact]
    public void Off_by_default_with_tags_under_fault_and_no_rules()
    {
        var faults = ActorSmtpSettings.FromConfig(ActorSmtpConfig.Reference, ShippedSinks.Catalog()).Faults;
        Assert.Equal(new FaultSettings(false, "fault-", false, []), faults with { Rules = [] });
        Assert.Empty(faults.Rules);
    }

    [Fact]
    public void The_four_examples_read_as_documented()
    {
        var faults = Faults(Examples);
        Assert.True(faults.Enabled);
        Assert.Equal(4, faults.Rules.Count);

        var rcpt = faults.Rules[0];
        Assert.Equal("rules[0]", rcpt.Name);
        Assert.Equal(new FaultConditions(Rcpt: "*@fail-rcpt.test"), rcpt.When);
        Assert.Equal((FaultStage.Rcpt, FaultAction.Reply, false), (rcpt.Effect.Stage, rcpt.Effect.Action, rcpt.Effect.AfterStore));
        Assert.Equal("451 4.3.0 Try again later", rcpt.Effect.Reply!.ToString());
        Assert.Equal((0L, 1, 1.0, 1, 0), (rcpt.After, rcpt.Chunk, rcpt.Probability, rcpt.Every, rcpt.Times));

        var stall = faults.Rules[1];
        Assert.Equal(new FaultEffect(FaultStage.EndOfData, FaultAction.Stall, For: TimeSpan.FromSeconds(90)), stall.Effect);
        Assert.Equal("*+stall@*", stall.When.Rcpt);

        var lost = faults.Rules[2];
        Assert.Equal(new FaultEffect(FaultStage.EndOfData, FaultAction.StoreThenDisconnect, AfterStore: true), lost.Effect);
        Assert.Equal(new FaultConditions(From: "billing@*"), lost.When);

        var greeting = faults.Rules[3];
        Assert.Equal((FaultStage.Connect, FaultAction.Reply), (greeting.Effect.Stage, greeting.Effect.Action));
        Assert.Equal("421 4.7.0 Go away", greeting.Effect.Reply!.ToString());
        Assert.Equal(0.1, greeting.Probability);
        Assert.Equal(new IPNetwork(IPAddress.Parse("10.1.0.0"), 16), greeting.When.Client);
    }

    [Fact]
    public void Rules_are_checked_while_faults_are_off_so_a_mistake_stops_start_up()
    {
        var error = Refused("actorsmtp.faults { enabled = off, rules = [ { at = rcpt, reply = \"250 ok\" } ] }");
        Assert.Equal("actorsmtp.faults.rules[0].reply", error.Key);
    }

    [Theory]
    [InlineData("""{ at = rcpt, reply = "554" }""", "554 5.0.0 Injected fault (rules[0])")]
    [InlineData("""{ name = greylist, at = rcpt, reply = "451" }""", "451 4.0.0 Injected fault (greylist)")]
    [InlineData("""{ at = rcpt, reply = "451 Later" }""", "451 4.0.0 Later")]
    [InlineData("""{ at = rcpt, reply = "550 5.1.1 No such user here" }""", "550 5.1.1 No such user here")]
    [InlineData("""{ at = connect, reply = "554 5.7.1" }""", "554 5.7.1 Injected fault (rules[0])")]
    [InlineData("""{ at = end-of-data, action = store-then-reply }""", "451 4.3.0 Try again later (injected fault)")]
    public void A_reply_defaults_its_enhanced_code_to_the_class_and_its_text_to_the_rule(string rule, string reply)
    {
        Assert.Equal(reply, OneRule(rule).Effect.Reply!.ToString());
    }

    [Theory]
    [InlineData("""{ at = end-of-data, reply = "451", after-store = on }""", FaultAction.StoreThenReply)]
    [InlineData("""{ at = end-of-data, action = disconnect, after-store = on }""", FaultAction.StoreThenDisconnect)]
    [InlineData("""{ at = end-of-data, action = store-then-reply, reply = "452 4.3.1 Full" }""", FaultAction.StoreThenReply)]
    [InlineData("""{ at = end-of-data, action = stall, after-store = on }""", FaultAction.Stall)]
    public void After_store_is_one_thing_however_it_is_said(string rule, FaultAction action)
    {
        var effect = OneRule(rule).Effect;
        Assert.Equal(action, effect.Action);
        Assert.True(effect.AfterStore);
    }

    [Fact]
    public void Every_key_a_rule_has_is_read()
    {
        var rule = OneRule("""
            { name = "slow big ones", at = body, action = slow, rate = 100, after = 64KiB, every = 3, times = 5, probability = 0.5,
              when { helo = "*.test", user = "alice", from = "a@*", rcpt = "b@*", client = "::1", header { name = Subject, contains = "big" } } }
            """);
        Assert.Equal("slow big ones", rule.Name);
        Assert.Equal(new FaultEffect(FaultStage.Body, FaultAction.Slow, Rate: 100), rule.Effect);
        Assert.Equal((64L * 1024, 3, 5, 0.5), (rule.After, rule.Every, rule.Times, rule.Probability));
        Assert.Equal(new FaultConditions("b@*", "a@*", new IPNetwork(IPAddress.IPv6Loopback, 128), "*.test", "alice", new HeaderCondition("Subject", "big")), rule.When);
        Assert.Equal(5, OneRule("{ at = bdat, action = reset, chunk = 5 }").Chunk);
        Assert.Equal(new IPNetwork(IPAddress.Parse("192.0.2.7"), 32), OneRule("""{ at = helo, action = reset, when { client = "192.0.2.7" } }""").When.Client);
    }

    [Theory]
    [InlineData("\"x\"", "rules[0]", "must be a block")]
    [InlineData("{ reply = \"451\" }", "rules[0].at", "missing")]
    [InlineData("{ at = nowhere, reply = \"451\" }", "rules[0].at", "must be one of connect, helo")]
    [InlineData("{ at = rcpt }", "rules[0].action", "missing")]
    [InlineData("{ at = rcpt, reply = \"451\" }, { at = rcpt }", "rules[1].action", "missing")]
    [InlineData("{ at = rcpt, action = explode }", "rules[0].action", "must be one of reply, disconnect")]
    [InlineData("{ at = rcpt, action = store-then-disconnect }", "rules[0].action", "only at end-of-data")]
    [InlineData("{ at = rcpt, action = reply }", "rules[0].reply", "missing")]
    [InlineData("{ at = rcpt, reply = \"250 Ok\" }", "rules[0].reply", "4xx or 5xx")]
    [InlineData("{ at = rcpt, reply = \"461\" }", "rules[0].reply", "second digit")]
    [InlineData("{ at = rcpt, reply = \"45\" }", "rules[0].reply", "CODE [ENHANCED] [TEXT]")]
    [InlineData("{ at = rcpt, reply = \"451x\" }", "rules[0].reply", "CODE [ENHANCED] [TEXT]")]
    [InlineData("{ at = rcpt, reply = \"451 5.3.0 Later\" }", "rules[0].reply", "class")]
    [InlineData("{ at = rcpt, reply = \"451 4.3.0 Später\" }", "rules[0].reply", "printable ASCII")]
    [InlineData("{ at = connect, reply = \"451 4.3.0 Later\" }", "rules[0].reply", "421 or 554")]
    [InlineData("{ at = rcpt, action = disconnect, reply = \"451\" }", "rules[0].reply", "only for action reply or store-then-reply")]
    [InlineData("{ at = rcpt, action = delay }", "rules[0].for", "missing")]
    [InlineData("{ at = rcpt, action = delay, for = 2h }", "rules[0].for", "at most 1h")]
    [InlineData("{ at = rcpt, action = delay, for = 0s }", "rules[0].for", "more than 0")]
    [InlineData("{ at = rcpt, action = delay, for = soon }", "rules[0].for", "")]
    [InlineData("{ at = rcpt, action = reset, for = 1s }", "rules[0].for", "only for action delay or stall")]
    [InlineData("{ at = rcpt, action = slow }", "rules[0].rate", "missing")]
    [InlineData("{ at = rcpt, action = slow, rate = 0 }", "rules[0].rate", "between 1 and 1000000")]
    [InlineData("{ at = rcpt, action = slow, rate = 2000000 }", "rules[0].rate", "between 1 and 1000000")]
    [InlineData("{ at = rcpt, action = stall, rate = 10 }", "rules[0].rate", "only for action slow")]
    [InlineData("{ at = rcpt, reply = \"451\", after = 1KiB }", "rules[0].after", "only at body")]
    [InlineData("{ at = body, reply = \"451\", after = -1 }", "rules[0].after", "")]
    [InlineData("{ at = body, reply = \"451\", chunk = 2 }", "rules[0].chunk", "only at bdat")]
    [InlineData("{ at = bdat, reply = \"451\", chunk = 0 }", "rules[0].chunk", "between 1 and")]
    [InlineData("{ at = rcpt, reply = \"451\", after-store = on }", "rules[0].after-store", "only at end-of-data")]
    [InlineData("{ at = end-of-data, reply = \"451\", after-store = perhaps }", "rules[0].after-store", "on or off")]
    [InlineData("{ at = rcpt, reply = \"451\", probability = 0 }", "rules[0].probability", "more than 0")]
    [InlineData("{ at = rcpt, reply = \"451\", probability = 1.5 }", "rules[0].probability", "between 0 and 1")]
    [InlineData("{ at = rcpt, reply = \"451\", every = 0 }", "rules[0].every", "between 1 and")]
    [InlineData("{ at = rcpt, reply = \"451\", times = -1 }", "rules[0].times", "between 0 and")]
    [InlineData("{ at = rcpt, reply = \"451\", name = \"\" }", "rules[0].name", "1 to 100 printable ASCII")]
    [InlineData("{ at = rcpt, reply = \"451\", name = \"grüne\" }", "rules[0].name", "1 to 100 printable ASCII")]
    [InlineData("{ at = rcpt, reply = \"451\", colour = red }", "rules[0].colour", "unknown key (known in actorsmtp.faults.rules[0]: name, when, at")]
    [InlineData("{ at = rcpt, reply = \"451\", when = 5 }", "rules[0].when", "must be a block")]
    [InlineData("{ at = rcpt, reply = \"451\", when { recipient = \"*\" } }", "rules[0].when.recipient", "unknown key (known in actorsmtp.faults.rules[0].when: rcpt, from")]
    [InlineData("{ at = rcpt, reply = \"451\", when { rcpt = \"\" } }", "rules[0].when.rcpt", "must not be empty")]
    [InlineData("{ at = rcpt, reply = \"451\", when { client = \"10.0.0.300/8\" } }", "rules[0].when.client", "not an IP address or a CIDR network")]
    [InlineData("{ at = rcpt, reply = \"451\", when { client = \"10.0.0.0/33\" } }", "rules[0].when.client", "not an IP address or a CIDR network")]
    [InlineData("{ at = connect, reply = \"421\", when { helo = \"x\" } }", "rules[0].when.helo", "known from helo on, not at connect")]
    [InlineData("{ at = starttls, action = reset, when { user = \"x\" } }", "rules[0].when.user", "known from auth on, not at starttls")]
    [InlineData("{ at = auth, action = reset, when { from = \"x\" } }", "rules[0].when.from", "known from mail on, not at auth")]
    [InlineData("{ at = mail, reply = \"451\", when { rcpt = \"x\" } }", "rules[0].when.rcpt", "known from rcpt on, not at mail")]
    [InlineData("{ at = rcpt, reply = \"451\", when { header { name = Subject, contains = x } } }", "rules[0].when.header", "body and end-of-data only")]
    [InlineData("{ at = bdat, reply = \"451\", when { header { name = Subject, contains = x } } }", "rules[0].when.header", "body and end-of-data only")]
    [InlineData("{ at = body, reply = \"451\", when { header = Subject } }", "rules[0].when.header", "must be a block")]
    [InlineData("{ at = body, reply = \"451\", when { header { name = Subject } } }", "rules[0].when.header.contains", "missing")]
    [InlineData("{ at = body, reply = \"451\", when { header { name = \"Sub ject\", contains = x } } }", "rules[0].when.header.name", "header field name")]
    [InlineData("{ at = body, reply = \"451\", when { header { name = Subject, contain = x } } }", "rules[0].when.header.contain", "unknown key (known in actorsmtp.faults.rules[0].when.header: name, contains)")]
    public void A_mistake_in_a_rule_is_refused_naming_its_key(string rules, string key, string says)
    {
        var error = Refused($"actorsmtp.faults.rules = [ {rules} ]");
        Assert.Equal($"actorsmtp.faults.{key}", error.Key);
        Assert.Contains(says, error.Message);
    }

    [Theory]
    [InlineData("actorsmtp.faults.enabled = maybe", "actorsmtp.faults.enabled")]
    [InlineData("actorsmtp.faults.enable = on", "actorsmtp.faults.enable")]
    [InlineData("actorsmtp.faults.tag-prefix = \"fault+\"", "actorsmtp.faults.tag-prefix")]
    [InlineData("actorsmtp.faults.rules = { at = rcpt }", "actorsmtp.faults.rules")]
    public void A_mistake_in_the_faults_block_is_refused_naming_its_key(string hocon, string key)
    {
        Assert.Equal(key, Refused(hocon).Key);
    }

    [Fact]
    public void A_reply_text_longer_than_400_characters_is_refused()
    {
        var error = Refused($$"""actorsmtp.faults.rules = [ { at = rcpt, reply = "451 4.3.0 {{new string('x', 401)}}" } ]""");
        Assert.Equal("actorsmtp.faults.rules[0].reply", error.Key);
        Assert.Equal(400, OneRule($$"""{ at = rcpt, reply = "451 4.3.0 {{new string('x', 400)}}" }""").Effect.Reply!.Text.Length);
    }

    [Theory]
    [InlineData("at = rcpt, reply = \"451\"")]
    [InlineData("at = rcpt, reply = \"451\", when {}")]
    public void A_rule_for_everyone_is_refused_while_a_listener_is_not_on_loopback(string rule)
    {
        var error = Refused($"{OnAllInterfaces}\nactorsmtp.faults.rules = [ {{ {rule} }} ]");
        Assert.Equal("actorsmtp.faults.rules[0].when", error.Key);
        Assert.Contains("matches every client while a listener is not on loopback: add a matcher, or set actorsmtp.faults.allow-global = on", error.Message);

        Assert.Single(Faults($"{OnAllInterfaces}\nactorsmtp.faults {{ allow-global = on, rules = [ {{ {rule} }} ] }}").Rules);
        Assert.Single(Faults($"{OnAllInterfaces}\nactorsmtp.faults.rules = [ {{ at = rcpt, reply = \"451\", when {{ client = \"10.0.0.0/8\" }} }} ]").Rules);
        Assert.True(OneRule($"{{ {rule} }}").When.IsEmpty); // on loopback only this machine's clients can be hit
    }

    [Fact]
    public void The_api_reads_the_same_rules_from_json()
    {
        const string json = """
            {"rules": [
              {"when": {"rcpt": "*@fail-rcpt.test"}, "at": "rcpt", "reply": "451 4.3.0 Try again later"},
              {"when": {"rcpt": "*+stall@*"}, "at": "end-of-data", "action": "stall", "for": "90s"},
              {"when": {"from": "billing@*"}, "at": "end-of-data", "action": "store-then-disconnect"},
              {"when": {"client": "10.1.0.0/16"}, "at": "connect", "reply": "421 4.7.0 Go away", "probability": 0.1}
            ]}
            """;
        var fromJson = FaultConfiguration.ParseRules(json, loopbackOnly: false, allowGlobal: false);
        Assert.Equal(Faults(Examples).Rules.Select(FaultConfiguration.Describe), fromJson.Select(FaultConfiguration.Describe));
        Assert.Equal(Faults(Examples).Rules.Select(r => r with { Effect = r.Effect with { Reply = null } }),
            fromJson.Select(r => r with { Effect = r.Effect with { Reply = null } }));
        Assert.Empty(FaultConfiguration.ParseRules("""{"rules": []}""", loopbackOnly: false, allowGlobal: false));
        Assert.True(FaultConfiguration.ParseRules("""{"rules": [{"at": "end-of-data", "action": "disconnect", "after-store": true}]}""", true, false)[0].Effect.AfterStore);
        // A "${" inside a string is text, not a substitution.
        Assert.Equal("451 4.3.0 Costs ${5}", FaultConfiguration.ParseRules("""{"rules": [{"at": "rcpt", "reply": "451 4.3.0 Costs ${5}"}]}""", true, false)[0].Effect.Reply!.ToString());
    }

    [Theory]
    [InlineData("""{"rules": [{"at": "nowhere", "reply": "451"}]}""", "rules[0].at")]
    [InlineData("""{"rules": [{"at": "rcpt", "reply": "451", "when": {"rcpt": "*"}}, {"at": "rcpt", "when": {"rcpt": "*", "recipient": "x"}}]}""", "rules[1].when.recipient")]
    [InlineData("""{"rules": [{"at": "rcpt", "reply": "451"}]}""", "rules[0].when")] // everyone, on a listener not on loopback
    [InlineData("""{"rules": [], "enabled": true}""", "enabled")]
    [InlineData("""{}""", "rules")]
    [InlineData("""{"rules": {"at": "rcpt"}}""", "rules")]
    [InlineData("""{"rules": [ {"at": "rcpt", """, FaultConfiguration.BodyKey)]
    [InlineData("""{"rules": [ {"at": "rcpt", "reply": ${PATH}} ]}""", FaultConfiguration.BodyKey)]
    [InlineData("""{"rules": [ {"at": "rcpt", "reply": ${?NOT_SET}} ]}""", FaultConfiguration.BodyKey)] // overflows Akka's parser's stack
    [InlineData("""include "/etc/passwd" """, FaultConfiguration.BodyKey)]
    [InlineData("""[ {"at": "rcpt"} ]""", FaultConfiguration.BodyKey)]
    [InlineData("""{"rules": "[}""", FaultConfiguration.BodyKey)]
    [InlineData("""{"rules": [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}""", FaultConfiguration.BodyKey)]
    public void The_api_names_a_bad_key_relative_to_the_body(string json, string key)
    {
        var error = Assert.Throws<SettingsException>(() => FaultConfiguration.ParseRules(json, loopbackOnly: false, allowGlobal: false));
        Assert.Equal(key, error.Key);
        Assert.DoesNotContain(Environment.GetEnvironmentVariable("PATH")!, error.Message);
    }

    [Fact]
    public void The_api_refuses_a_rule_for_everyone_with_the_same_hint()
    {
        var error = Assert.Throws<SettingsException>(() =>
            FaultConfiguration.ParseRules("""{"rules": [{"at": "rcpt", "reply": "451", "when": {}}]}""", loopbackOnly: false, allowGlobal: false));
        Assert.Equal("rules[0].when", error.Key);
        Assert.Contains("set actorsmtp.faults.allow-global = on", error.Message);
        Assert.Single(FaultConfiguration.ParseRules("""{"rules": [{"at": "rcpt", "reply": "451"}]}""", loopbackOnly: false, allowGlobal: true));
        Assert.Single(FaultConfiguration.ParseRules("""{"rules": [{"at": "rcpt", "reply": "451"}]}""", loopbackOnly: true, allowGlobal: false));
    }

    [Fact]
    public void Describe_is_one_line_with_what_is_not_default()
    {
        Assert.Equal(
        [
            "rules[0] at rcpt: reply \"451 4.3.0 Try again later\" when rcpt = *@fail-rcpt.test",
            "rules[1] at end-of-data: stall for 90s when rcpt = *+stall@*",
            "rules[2] at end-of-data: store-then-disconnect when from = billing@*",
            "rules[3] at connect: reply \"421 4.7.0 Go away\" when client = 10.1.0.0/16, probability 0.1",
        ], Faults(Examples).Rules.Select(FaultConfiguration.Describe));
        Assert.Equal("big at body: slow at 100 bytes/s after 65536 bytes when from = a@* and header Subject contains \"big\", every 3, times 5",
            FaultConfiguration.Describe(OneRule("""
                { name = big, at = body, action = slow, rate = 100, after = 64KiB, every = 3, times = 5, when { from = "a@*", header { name = Subject, contains = big } } }
                """)));
        Assert.Equal("rules[0] at bdat: delay for 1500ms at chunk 2 when anyone",
            FaultConfiguration.Describe(OneRule("{ at = bdat, action = delay, for = 1500ms, chunk = 2 }")));
        Assert.Equal("rules[0] at end-of-data: stall for 2m after store when anyone",
            FaultConfiguration.Describe(OneRule("{ at = end-of-data, action = stall, for = 120s, after-store = on }")));
    }
}

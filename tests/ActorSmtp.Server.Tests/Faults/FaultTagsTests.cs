using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Faults;
using Xunit;

namespace ActorSmtp.Server.Tests.Faults;

/// <summary>Recipient tags (bob+fault-rcpt-451@x.test): the grammar, what each tag does, and what is not a tag.</summary>
public sealed class FaultTagsTests
{
    private const string Prefix = "fault-";

    private static List<FaultRuleSettings> Tags(string localPart, string prefix = Prefix)
    {
        var rules = new List<FaultRuleSettings>();
        Assert.True(FaultTags.TryParse(localPart, prefix, rules, out var invalid), $"refused {invalid}");
        Assert.Null(invalid);
        return rules;
    }

    [Theory]
    [InlineData("bob+fault-rcpt-451", FaultStage.Rcpt, FaultAction.Reply, "451 4.0.0 Injected fault (tag fault-rcpt-451)", -1, 0, false)]
    [InlineData("bob+fault-data-554", FaultStage.Data, FaultAction.Reply, "554 5.0.0 Injected fault (tag fault-data-554)", -1, 0, false)]
    [InlineData("bob+fault-eod-452", FaultStage.EndOfData, FaultAction.Reply, "452 4.0.0 Injected fault (tag fault-eod-452)", -1, 0, false)]
    [InlineData("bob+fault-body-disconnect", FaultStage.Body, FaultAction.Disconnect, null, -1, 0, false)]
    [InlineData("bob+fault-bdat-reset", FaultStage.Bdat, FaultAction.Reset, null, -1, 0, false)]
    [InlineData("bob+fault-eod-stall", FaultStage.EndOfData, FaultAction.Stall, null, -1, 0, false)]
    [InlineData("bob+fault-rcpt-stall-30s", FaultStage.Rcpt, FaultAction.Stall, null, 30_000, 0, false)]
    [InlineData("bob+fault-data-delay-500ms", FaultStage.Data, FaultAction.Delay, null, 500, 0, false)]
    [InlineData("bob+fault-eod-delay-2m", FaultStage.EndOfData, FaultAction.Delay, null, 120_000, 0, false)]
    [InlineData("bob+fault-rcpt-delay-60m", FaultStage.Rcpt, FaultAction.Delay, null, 3_600_000, 0, false)]
    [InlineData("bob+fault-rcpt-slow-100", FaultStage.Rcpt, FaultAction.Slow, null, -1, 100, false)]
    [InlineData("bob+fault-eod-store-then-disconnect", FaultStage.EndOfData, FaultAction.StoreThenDisconnect, null, -1, 0, true)]
    [InlineData("bob+fault-eod-store-then-reply", FaultStage.EndOfData, FaultAction.StoreThenReply, "451 4.3.0 Try again later (injected fault)", -1, 0, true)]
    [InlineData("bob+fault-eod-store-then-reply-554", FaultStage.EndOfData, FaultAction.StoreThenReply, "554 5.0.0 Injected fault (tag fault-eod-store-then-reply-554)", -1, 0, true)]
    [InlineData("bob+FAULT-RCPT-451", FaultStage.Rcpt, FaultAction.Reply, "451 4.0.0 Injected fault (tag FAULT-RCPT-451)", -1, 0, false)]
    [InlineData("bob+news+fault-rcpt-451", FaultStage.Rcpt, FaultAction.Reply, "451 4.0.0 Injected fault (tag fault-rcpt-451)", -1, 0, false)]
    public void A_tag_becomes_a_rule(string localPart, FaultStage stage, FaultAction action, string? reply, int forMs, int rate, bool afterStore)
    {
        var rule = Assert.Single(Tags(localPart));
        var segment = localPart[(localPart.LastIndexOf('+') + 1)..];
        Assert.Equal($"tag {segment}", rule.Name);
        Assert.Equal(FaultConditions.Any, rule.When);
        Assert.Equal((0L, 1, 1.0, 1, 0), (rule.After, rule.Chunk, rule.Probability, rule.Every, rule.Times));
        Assert.Equal((stage, action, afterStore, rate), (rule.Effect.Stage, rule.Effect.Action, rule.Effect.AfterStore, rule.Effect.Rate));
        Assert.Equal(reply, rule.Effect.Reply?.ToString());
        Assert.Equal(forMs < 0 ? null : TimeSpan.FromMilliseconds(forMs), rule.Effect.For);
    }

    [Fact]
    public void Several_tags_are_rules_in_their_order_and_other_segments_are_the_address_own()
    {
        var rules = Tags("bob+fault-rcpt-451+list+fault-eod-reset");
        Assert.Equal(["tag fault-rcpt-451", "tag fault-eod-reset"], rules.Select(r => r.Name));
        Assert.Equal(FaultAction.Reset, rules[1].Effect.Action);
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("bob+news")]
    [InlineData("fault-rcpt-451")] // before the first '+' is the mailbox, never a tag
    [InlineData("bob+")]
    [InlineData("bob++")]
    [InlineData("bob+faul")]
    public void Without_a_tag_nothing_is_added(string localPart)
    {
        Assert.Empty(Tags(localPart));
    }

    [Fact]
    public void An_empty_prefix_turns_tags_off()
    {
        Assert.Empty(Tags("bob+fault-rcpt-451", prefix: ""));
        Assert.Single(Tags("bob+x-rcpt-451", prefix: "x-"));
    }

    [Theory]
    [InlineData("bob+fault-", "fault-")]
    [InlineData("bob+fault-rcpt", "fault-rcpt")]
    [InlineData("bob+fault-rcpt-", "fault-rcpt-")]
    [InlineData("bob+fault-mail-451", "fault-mail-451")] // no recipient yet at MAIL: tags start at rcpt
    [InlineData("bob+fault-end-of-data-451", "fault-end-of-data-451")]
    [InlineData("bob+fault-rcpt-250", "fault-rcpt-250")]
    [InlineData("bob+fault-rcpt-461", "fault-rcpt-461")]
    [InlineData("bob+fault-rcpt-45", "fault-rcpt-45")]
    [InlineData("bob+fault-rcpt-4510", "fault-rcpt-4510")]
    [InlineData("bob+fault-rcpt-explode", "fault-rcpt-explode")]
    [InlineData("bob+fault-rcpt-stall-", "fault-rcpt-stall-")]
    [InlineData("bob+fault-rcpt-stall-0s", "fault-rcpt-stall-0s")]
    [InlineData("bob+fault-rcpt-stall-61m", "fault-rcpt-stall-61m")]
    [InlineData("bob+fault-rcpt-stall-30", "fault-rcpt-stall-30")]
    [InlineData("bob+fault-rcpt-stall-30h", "fault-rcpt-stall-30h")]
    [InlineData("bob+fault-rcpt-stall--5s", "fault-rcpt-stall--5s")]
    [InlineData("bob+fault-rcpt-delay", "fault-rcpt-delay")]
    [InlineData("bob+fault-rcpt-delay-99999999999s", "fault-rcpt-delay-99999999999s")]
    [InlineData("bob+fault-rcpt-slow", "fault-rcpt-slow")]
    [InlineData("bob+fault-rcpt-slow-0", "fault-rcpt-slow-0")]
    [InlineData("bob+fault-rcpt-slow-2000000", "fault-rcpt-slow-2000000")]
    [InlineData("bob+fault-rcpt-store-then-disconnect", "fault-rcpt-store-then-disconnect")] // nothing to store before the end of data
    [InlineData("bob+fault-body-store-then-reply", "fault-body-store-then-reply")]
    [InlineData("bob+fault-eod-store-then-reply-250", "fault-eod-store-then-reply-250")]
    [InlineData("bob+fault-rcpt-451+fault-rcpt-nope+fault-also-bad", "fault-rcpt-nope")]
    [InlineData("bob+fault-eod-ſtore-then-reply-451", "fault-eod-ſtore-then-reply-451")]
    public void A_malformed_tag_is_named(string localPart, string segment)
    {
        Assert.False(FaultTags.TryParse(localPart, Prefix, [], out var invalid));
        Assert.Equal(segment, invalid);
    }

    [Fact]
    public void An_address_without_a_tag_costs_no_allocation()
    {
        var rules = new List<FaultRuleSettings>();
        FaultTags.TryParse("bob+news", Prefix, rules, out _); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            FaultTags.TryParse("alice", Prefix, rules, out _);
            FaultTags.TryParse("bob+news+list", Prefix, rules, out _);
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Empty(rules);
    }
}

using ActorSmtp.Server.Configuration;
using Xunit;

namespace ActorSmtp.Server.Tests.Configuration;

/// <summary>What HoconText mends in Akka's parser, beyond the bracket checks StrictConfigurationTests cover.</summary>
public sealed class HoconTextTests
{
    [Theory]
    [InlineData("""r = [ { when { rcpt = "x" }, at = rcpt } ]""")]
    [InlineData("""r = [ { when { rcpt = "x" } , at = rcpt } ]""")]
    [InlineData("""r = [ { "when" { rcpt = "x" }, at = rcpt } ]""")]
    [InlineData("""r = [ { when = { rcpt = "x" }, at = rcpt } ]""")]
    [InlineData("""r = [ { when { rcpt = "x" } at = rcpt } ]""")]
    public void A_comma_after_a_block_given_without_equals_parses_as_HOCON_allows(string hocon)
    {
        var rule = HoconText.Parse(hocon).GetValue("r").GetArray()[0];
        var config = new Akka.Configuration.Config(new Akka.Configuration.Hocon.HoconRoot(rule));
        Assert.Equal(("x", "rcpt"), (config.GetString("when.rcpt"), config.GetString("at")));
    }

    [Fact]
    public void A_comma_in_a_string_or_a_list_of_blocks_is_left_alone()
    {
        var config = HoconText.Parse("""a { b = "}, x" }, c = [ { d = 1 }, { d = 2 } ]""");
        Assert.Equal("}, x", config.GetString("a.b"));
        Assert.Equal(2, config.GetValue("c").GetArray().Count);
    }

    [Theory]
    [InlineData("a = ${b}", "substitution")]
    [InlineData("a = ${?B}", "substitution")]
    [InlineData("""a = "${b}" """, null)]
    [InlineData("# a = ${b}", null)]
    [InlineData("a = $5", null)]
    [InlineData("a = [[[[1]]]]", null)]
    [InlineData("a = [[[[[1]]]]]", "nested deeper than 4 levels")]
    [InlineData("""a = "[[[[[" """, null)]
    public void Text_from_the_network_is_refused_when_it_would_crash_the_parser(string hocon, string? says)
    {
        var problem = HoconText.Unfit(hocon, maxDepth: 4);
        if (says is null)
            Assert.Null(problem);
        else
            Assert.Contains(says, problem);
    }
}

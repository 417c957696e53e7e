using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Sinks;
using Xunit;

namespace ActorSmtp.Server.Tests.Sinks;

public sealed class RecipientRoutesTests
{
    private static readonly RecipientRoutes Routes = new(
    [
        new SinkRoute(["example.com"], [], "exact"),
        new SinkRoute(["*.example.org"], [], "sub"),
        new SinkRoute([], ["alerts@*", "*+test@example.net"], "pattern"),
        new SinkRoute(["example.net"], [], "late"),
    ], "default");

    [Theory]
    [InlineData("a@example.com", "exact")]
    [InlineData("a@EXAMPLE.COM", "exact")]
    [InlineData("a@sub.example.com", "default")]
    [InlineData("a@mx.example.org", "sub")]
    [InlineData("a@example.org", "default")] // "*." covers subdomains only
    [InlineData("alerts@anything.test", "pattern")]
    [InlineData("Alerts@anything.test", "pattern")]
    [InlineData("bob+test@example.net", "pattern")] // the first matching route wins
    [InlineData("bob@example.net", "late")]
    [InlineData("\"odd@local\"@example.com", "exact")]
    [InlineData("nobody@elsewhere.test", "default")]
    public void Each_recipient_goes_to_the_first_route_that_matches_it(string recipient, string sink) =>
        Assert.Equal(sink, Routes.SinkFor(recipient));

    [Fact]
    public void Recipients_are_grouped_by_sink_in_order_of_first_need()
    {
        var shares = Routes.Split(["x@elsewhere.test", "y@example.com", "z@elsewhere.test"]);
        Assert.Equal(["default", "exact"], shares.Select(s => s.Sink));
        Assert.Equal(["x@elsewhere.test", "z@elsewhere.test"], shares[0].Recipients);
    }

    [Theory]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("*@*.test", "me@host.test", true)]
    [InlineData("exact", "EXACT", true)]
    [InlineData("ex?ct", "exact", false)] // only * is special
    public void Patterns_match_with_star_only(string pattern, string text, bool matches) =>
        Assert.Equal(matches, Glob.Matches(pattern, text));

    [Fact]
    public void A_hostile_pattern_does_not_backtrack_exponentially()
    {
        var text = new string('a', 5000);
        Assert.False(Glob.Matches("*a*a*a*a*a*a*a*a*b", text)); // returns at once with the last-star backtracking
    }
}

using ActorSmtp.Server.Faults;
using Xunit;

namespace ActorSmtp.Server.Tests.Faults;

/// <summary>The globs of fault matchers: * and ?, case-insensitive, without allocating.</summary>
public sealed class AddressPatternTests
{
    [Theory]
    [InlineData("*@fail-rcpt.test", "bob@fail-rcpt.test", true)]
    [InlineData("*@fail-rcpt.test", "BOB@FAIL-RCPT.TEST", true)]
    [InlineData("*@fail-rcpt.test", "bob@fail-rcpt.test.example", false)]
    [InlineData("*@fail-rcpt.test", "@fail-rcpt.test", true)]
    [InlineData("billing@*", "billing@x.test", true)]
    [InlineData("billing@*", "Billing@X.Test", true)]
    [InlineData("billing@*", "billing2@x.test", false)]
    [InlineData("*+stall@*", "bob+stall@x.test", true)]
    [InlineData("*+stall@*", "bob+STALL@x.test", true)]
    [InlineData("*+stall@*", "bob+stall2@x.test", false)]
    [InlineData("*+stall@*", "bob@stall.test", false)]
    [InlineData("*+stall@*", "a+b+stall@x.test", true)]
    [InlineData("bob?@x.test", "bob1@x.test", true)]
    [InlineData("bob?@x.test", "bob@x.test", false)]
    [InlineData("bob?@x.test", "bob12@x.test", false)]
    [InlineData("exact@x.test", "Exact@X.test", true)]
    [InlineData("exact@x.test", "exact@x.tes", false)]
    [InlineData("exact@x.test", "exact@x.tests", false)]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("?", "", false)]
    [InlineData("??", "ab", true)]
    [InlineData("*?", "", false)]
    [InlineData("*?", "a", true)]
    [InlineData("a**b", "ab", true)]
    [InlineData("a**b", "axxb", true)]
    [InlineData("a*b*c", "abxbxc", true)]
    [InlineData("a*b*c", "abxbx", false)]
    [InlineData("a*b*c", "ac", false)]
    [InlineData("*mx*.test", "relay.MX1.test", true)]
    [InlineData("*.test", "x.TEST", true)]
    [InlineData("Ä*", "äbc", true)] // ordinal ignore-case covers letters beyond ASCII
    public void A_glob_matches_as_written(string pattern, string text, bool matches)
    {
        Assert.Equal(matches, new AddressPattern(pattern).Matches(text));
    }

    [Fact]
    public void A_pathological_pattern_stays_fast()
    {
        var pattern = new AddressPattern("*a*a*a*a*a*a*a*a*b");
        var text = new string('a', 10_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(pattern.Matches(text));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        var patterns = new[] { new AddressPattern("*+stall@*"), new AddressPattern("billing@*"), new AddressPattern("*@x.test"), new AddressPattern("b?b@x.test") };
        const string text = "bob+stall@x.test";
        foreach (var pattern in patterns)
            pattern.Matches(text); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            foreach (var pattern in patterns)
                pattern.Matches(text);
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal("*+stall@*", patterns[0].ToString());
    }
}

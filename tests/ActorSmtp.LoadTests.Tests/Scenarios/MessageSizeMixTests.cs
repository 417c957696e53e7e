using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Tests.Scenarios;

public sealed class MessageSizeMixTests
{
    [Fact]
    public void A_single_size_needs_no_weight()
    {
        var mix = MessageSizeMix.Parse("100k");

        Assert.Equal([102_400L], mix.Sizes);
        Assert.Equal(102_400, mix.Pick(new Random(1)));
        Assert.Equal("100k", mix.ToString());
    }

    [Fact]
    public void Sizes_are_drawn_by_weight()
    {
        var mix = MessageSizeMix.Parse("1k:80,10k:15,1m:5");
        var random = new Random(42);

        var counts = Enumerable.Range(0, 100_000).Select(_ => mix.Pick(random)).CountBy(s => s).ToDictionary();

        Assert.Equal(80_000, counts[1024], tolerance: 1000);
        Assert.Equal(15_000, counts[10_240], tolerance: 1000);
        Assert.Equal(5_000, counts[1_048_576], tolerance: 1000);
        Assert.Equal("1k:80,10k:15,1m:5", mix.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1k:80,10k")]
    [InlineData("1k:0,10k:1")]
    [InlineData("4")]
    public void Malformed_mixes_are_refused(string text) =>
        Assert.Throws<FormatException>(() => MessageSizeMix.Parse(text));
}

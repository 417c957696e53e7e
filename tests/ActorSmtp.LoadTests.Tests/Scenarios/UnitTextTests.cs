using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Tests.Scenarios;

public sealed class UnitTextTests
{
    [Theory]
    [InlineData("512", 512)]
    [InlineData("1k", 1024)]
    [InlineData("100KB", 102_400)]
    [InlineData("1m", 1_048_576)]
    [InlineData("100MiB", 104_857_600)]
    [InlineData("1.5k", 1536)]
    public void Bytes_use_binary_multiples(string text, long expected) =>
        Assert.Equal(expected, UnitText.ParseBytes(text));

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("30", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    public void Durations(string text, double expectedMs) =>
        Assert.Equal(expectedMs, UnitText.ParseDuration(text).TotalMilliseconds);

    [Theory]
    [InlineData("")]
    [InlineData("k")]
    [InlineData("-1k")]
    [InlineData("10x")]
    public void Nonsense_is_refused(string text) =>
        Assert.Throws<FormatException>(() => UnitText.ParseBytes(text));

    [Theory]
    [InlineData(1024, "1k")]
    [InlineData(102_400, "100k")]
    [InlineData(1_048_576, "1m")]
    [InlineData(1000, "1000")]
    public void Sizes_print_back_in_the_form_they_are_written(long bytes, string expected) =>
        Assert.Equal(expected, UnitText.FormatBytes(bytes));
}

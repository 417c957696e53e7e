using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Tests.Statistics;

public sealed class ErrorTallyTests
{
    [Fact]
    public void Counts_by_kind_most_frequent_first_keeping_the_first_sample()
    {
        var tally = new ErrorTally();
        tally.Record("451", "451 4.3.0 sink busy");
        tally.Record("550", "550 5.1.1 no such user");
        tally.Record("550", "550 5.1.1 another text");
        tally.Record("timeout");
        tally.Record("unsent", 5);

        Assert.Equal(9, tally.Total);
        Assert.Equal(
            [new("unsent", 5, null), new("550", 2, "550 5.1.1 no such user"), new("451", 1, "451 4.3.0 sink busy"), new("timeout", 1, null)],
            tally.Counts());
    }
}

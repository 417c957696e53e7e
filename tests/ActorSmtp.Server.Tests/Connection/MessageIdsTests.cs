using ActorSmtp.Server.Connection;
using Xunit;

namespace ActorSmtp.Server.Tests.Connection;

public sealed class MessageIdsTests
{
    [Fact]
    public void Ids_are_unique_sortable_file_names()
    {
        var at = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 10_000).Select(_ => MessageIds.Next(at)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids); // same millisecond: ordered by the counter
        Assert.All(ids, id => Assert.Matches("^[0-9A-HJKMNP-TV-Z]{26}$", id));
        Assert.True(string.CompareOrdinal(MessageIds.Next(at), MessageIds.Next(at.AddMilliseconds(1))) < 0);
    }
}

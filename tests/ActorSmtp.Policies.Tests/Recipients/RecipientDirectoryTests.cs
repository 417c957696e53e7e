using ActorSmtp.Policies.Recipients;
using Xunit;

namespace ActorSmtp.Policies.Tests.Recipients;

public sealed class RecipientDirectoryTests
{
    [Fact]
    public void Addresses_and_domain_wildcards_match_without_regard_to_case()
    {
        var directory = RecipientDirectory.Of(["alice@example.com", "@support.example.com", "  # a comment", ""]);

        Assert.True(directory.Contains("alice@example.com"));
        Assert.True(directory.Contains("ALICE@Example.COM"));
        Assert.True(directory.Contains("anyone@support.example.com"));
        Assert.False(directory.Contains("bob@example.com"));
        Assert.False(directory.Contains("alice@sub.support.example.com")); // @domain is that domain, not its subdomains
        Assert.Equal(2, directory.Count);
    }

    [Theory]
    [InlineData("postmaster")]
    [InlineData("postmaster@anything.test")]
    [InlineData("PostMaster@example.com")]
    public void The_postmaster_is_always_known(string recipient) =>
        Assert.True(RecipientDirectory.Of(["alice@example.com"]).Contains(recipient));

    [Theory]
    [InlineData("alice")]
    [InlineData("alice@")]
    [InlineData("al ice@example.com")]
    public void An_entry_that_is_no_address_or_domain_is_refused_with_where_it_is(string entry)
    {
        var error = Assert.Throws<FormatException>(() => RecipientDirectory.Of(["ok@example.com", entry], "recipients.txt"));
        Assert.Contains("recipients.txt, entry 2", error.Message);
    }

    [Fact]
    public void A_million_entries_load_from_a_file_and_answer_every_lookup()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, Enumerable.Range(0, 1_000_000).Select(i => $"user{i}@tenant{i % 1000}.example"));
            var directory = RecipientDirectory.Load(file);

            Assert.Equal(1_000_000, directory.Count);
            for (var i = 0; i < 1_000_000; i += 9_973)
            {
                Assert.True(directory.Contains($"user{i}@tenant{i % 1000}.example"));
                Assert.False(directory.Contains($"user{i}@tenant{(i + 1) % 1000}.example"));
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}

using ActorSmtp.MessageAuthentication.Dmarc;
using Xunit;

namespace ActorSmtp.MessageAuthentication.Tests.Dmarc;

/// <summary>The PSL algorithm over the shipped list, cases written from the algorithm at publicsuffix.org/list.</summary>
public sealed class PublicSuffixListTests
{
    private static readonly PublicSuffixList Psl = PublicSuffixList.Shipped;

    [Theory]
    // A public suffix has no organizational domain.
    [InlineData("com", null)]
    [InlineData("co.uk", null)]
    [InlineData("uk", null)]
    // One rule, two-level rules.
    [InlineData("example.com", "example.com")]
    [InlineData("b.example.com", "example.com")]
    [InlineData("a.b.example.com", "example.com")]
    [InlineData("www.example.co.uk", "example.co.uk")]
    [InlineData("uk.com", null)]
    [InlineData("a.example.uk.com", "example.uk.com")]
    // Case and the trailing dot do not matter.
    [InlineData("WwW.Example.COM", "example.com")]
    [InlineData("mail.example.com.", "example.com")]
    // A TLD the list does not know: the implicit "*" rule.
    [InlineData("example", null)]
    [InlineData("example.example", "example.example")]
    [InlineData("a.b.example.example", "example.example")]
    // Wildcard with an exception: *.ck and !www.ck.
    [InlineData("ck", null)]
    [InlineData("test.ck", null)]
    [InlineData("b.test.ck", "b.test.ck")]
    [InlineData("a.b.test.ck", "b.test.ck")]
    [InlineData("www.ck", "www.ck")]
    [InlineData("www.www.ck", "www.ck")]
    // jp: second-level rules, third-level rules, a wildcard with exceptions (*.kobe.jp, !city.kobe.jp).
    [InlineData("jp", null)]
    [InlineData("test.jp", "test.jp")]
    [InlineData("www.test.jp", "test.jp")]
    [InlineData("ac.jp", null)]
    [InlineData("test.ac.jp", "test.ac.jp")]
    [InlineData("kyoto.jp", null)]
    [InlineData("ide.kyoto.jp", null)]
    [InlineData("b.ide.kyoto.jp", "b.ide.kyoto.jp")]
    [InlineData("a.b.ide.kyoto.jp", "b.ide.kyoto.jp")]
    [InlineData("kobe.jp", "kobe.jp")]
    [InlineData("c.kobe.jp", null)]
    [InlineData("b.c.kobe.jp", "b.c.kobe.jp")]
    [InlineData("city.kobe.jp", "city.kobe.jp")]
    [InlineData("www.city.kobe.jp", "city.kobe.jp")]
    // The private section counts: each github.io / blogspot.com user is an organization of its own.
    [InlineData("github.io", null)]
    [InlineData("alice.github.io", "alice.github.io")]
    [InlineData("www.alice.github.io", "alice.github.io")]
    [InlineData("blogspot.com", null)]
    [InlineData("x.y.blogspot.com", "y.blogspot.com")]
    // IDN: the list has U-labels; lookups as U-labels answer in U-labels, as A-labels in A-labels.
    [InlineData("公司.cn", null)]
    [InlineData("食狮.公司.cn", "食狮.公司.cn")]
    [InlineData("www.食狮.公司.cn", "食狮.公司.cn")]
    [InlineData("xn--55qx5d.cn", null)]
    [InlineData("xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn")]
    [InlineData("www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn")]
    [InlineData("shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn")]
    [InlineData("www.bücher.de", "bücher.de")]
    // Not domain names.
    [InlineData("", null)]
    [InlineData(".com", null)]
    [InlineData(".example.com", null)]
    [InlineData("a..example.com", null)]
    [InlineData("a b.example.com", null)]
    [InlineData("alice@example.com", null)]
    public void Organizational_domain_follows_the_psl_algorithm(string domain, string? expected) =>
        Assert.Equal(expected, Psl.OrganizationalDomain(domain));

    [Fact]
    public void The_shipped_list_is_parsed_once_with_both_sections()
    {
        Assert.Same(PublicSuffixList.Shipped, PublicSuffixList.Shipped);
        Assert.True(Psl.RuleCount > 9000, $"{Psl.RuleCount} rules");
    }

    [Fact]
    public void A_list_of_its_own_applies_exceptions_over_longer_wildcards()
    {
        var list = PublicSuffixList.Parse("""
            // a comment
            test
            *.wild.test
            !keep.wild.test
            deep.sub.test   trailing text after white space is ignored
            """);

        Assert.Null(list.OrganizationalDomain("any.wild.test"));
        Assert.Equal("x.any.wild.test", list.OrganizationalDomain("y.x.any.wild.test"));
        Assert.Equal("keep.wild.test", list.OrganizationalDomain("a.keep.wild.test"));
        Assert.Equal("sub.test", list.OrganizationalDomain("a.sub.test"));
        Assert.Equal("a.deep.sub.test", list.OrganizationalDomain("b.a.deep.sub.test"));
        Assert.Equal("other.tld", list.OrganizationalDomain("www.other.tld"));
    }
}

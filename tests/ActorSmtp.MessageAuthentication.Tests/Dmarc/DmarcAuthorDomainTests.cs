using ActorSmtp.MessageAuthentication.Dmarc;
using Xunit;

namespace ActorSmtp.MessageAuthentication.Tests.Dmarc;

public sealed class DmarcAuthorDomainTests
{
    [Theory]
    [InlineData(" alice@a.test", "a.test")]
    [InlineData(" \"Alice Example\" <alice@Mail.A.Test>", "mail.a.test")]
    [InlineData(" =?utf-8?q?Caf=C3=A9?= <x@b.test>\r\n", "b.test")]
    [InlineData(" alice@a.test, bob@A.test", "a.test")]
    [InlineData(" <ü@bücher.de>", "xn--bcher-kva.de")]
    public void The_single_from_domain(string value, string expected) =>
        Assert.Equal(expected, DmarcAuthorDomain.FromFields([value]));

    [Theory]
    [InlineData(" alice@a.test, mallory@evil.test")] // several domains (§6.6.1)
    [InlineData(" undisclosed")]
    [InlineData(" ")]
    [InlineData(" <@>")]
    public void No_single_domain_is_null(string value) => Assert.Null(DmarcAuthorDomain.FromFields([value]));

    [Fact]
    public void No_from_field_or_two_from_fields_is_null()
    {
        Assert.Null(DmarcAuthorDomain.FromFields([]));
        Assert.Null(DmarcAuthorDomain.FromFields([" a@a.test", " a@a.test"]));
    }
}

using System.Net;
using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Tests.Scenarios;

public sealed class LoopbackTargetTests
{
    [Theory]
    [InlineData("127.0.0.1:2525", "127.0.0.1")]
    [InlineData("127.3.4.5:25", "127.3.4.5")]
    [InlineData("localhost:2525", "127.0.0.1")]
    [InlineData("[::1]:2525", "::1")]
    public void Loopback_addresses_are_accepted(string text, string address) =>
        Assert.Equal(IPAddress.Parse(address), LoopbackTarget.Parse(text).Address);

    [Theory]
    [InlineData("10.0.0.1:25")]
    [InlineData("192.168.1.10:2525")]
    [InlineData("8.8.8.8:25")]
    [InlineData("mail.example.com:25")]
    [InlineData("0.0.0.0:25")]
    public void Anything_else_is_refused_with_the_reason(string text)
    {
        var error = Assert.Throws<FormatException>(() => LoopbackTarget.Parse(text));
        Assert.Contains("only loopback", error.Message);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:99999")]
    public void A_port_is_required(string text) =>
        Assert.Throws<FormatException>(() => LoopbackTarget.Parse(text));
}

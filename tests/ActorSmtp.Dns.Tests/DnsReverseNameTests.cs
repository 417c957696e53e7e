using System.Net;
using Xunit;

namespace ActorSmtp.Dns.Tests;

public sealed class DnsReverseNameTests
{
    [Theory]
    [InlineData("192.0.2.99", "99.2.0.192")] // RFC 5782 §2.1
    [InlineData("::ffff:192.0.2.99", "99.2.0.192")]
    [InlineData("2001:db8:1:2:3:4:567:89ab", "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2")] // RFC 5782 §2.4
    public void Labels_are_reversed_octets_or_nibbles(string address, string labels)
    {
        Assert.Equal(labels, DnsReverseName.Labels(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("192.0.2.1", "1.2.0.192.in-addr.arpa")]
    [InlineData("::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa")]
    public void The_PTR_name_is_under_in_addr_arpa_or_ip6_arpa(string address, string name)
    {
        Assert.Equal(name, DnsReverseName.Ptr(IPAddress.Parse(address)));
    }
}

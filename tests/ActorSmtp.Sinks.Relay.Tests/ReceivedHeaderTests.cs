using System.Net;
using System.Text;
using ActorSmtp.Sinks.Relay.Smtp;
using Xunit;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>The trace header of RFC 5321 §4.4 with the protocol names of RFC 3848 and RFC 6531 §3.7.3.</summary>
public sealed class ReceivedHeaderTests
{
    private static string For(SmtpEnvelope envelope) => Encoding.UTF8.GetString(ReceivedHeader.For(envelope, "relay.test"));

    [Fact]
    public void Names_the_client_us_the_recipient_and_the_time()
    {
        Assert.Equal(
            "Received: from client.example.com ([192.0.2.10])\r\n\tby relay.test (ActorSmtp) with ESMTP id ID1\r\n\tfor <rcpt@example.net>; Sat, 28 Nov 2026 17:13:17 +0000\r\n",
            For(Envelope("ID1")));
    }

    [Fact]
    public void Names_no_recipient_when_there_are_several()
    {
        Assert.DoesNotContain("for <", For(Envelope("ID1", "a@example.net", "b@example.net")));
    }

    [Theory]
    [InlineData(true, true, false, "ESMTPSA")]
    [InlineData(true, false, false, "ESMTPS")]
    [InlineData(false, true, false, "ESMTPA")]
    [InlineData(true, true, true, "UTF8SMTPSA")]
    public void Says_how_the_message_came(bool tls, bool authenticated, bool utf8, string protocol)
    {
        var envelope = Envelope("ID1") with
        {
            Tls = tls ? new TlsInfo("Tls13", "TLS_AES_128_GCM_SHA256", null) : null,
            AuthenticatedAs = authenticated ? "alice" : null,
            SmtpUtf8 = utf8,
        };
        Assert.Contains($" with {protocol} id ID1", For(envelope));
    }

    [Fact]
    public void Writes_an_IPv6_client_as_an_address_literal_and_keeps_a_hostile_helo_on_its_line()
    {
        var envelope = Envelope("ID1") with { Client = new IPEndPoint(IPAddress.Parse("2001:db8::7"), 1), HeloName = "evil)\r\nX-Injected: 1" };
        var header = For(envelope);
        Assert.StartsWith("Received: from evil???X-Injected: 1 ([IPv6:2001:db8::7])\r\n", header);
    }
}

namespace ActorSmtp.Dns.Tests;

/// <summary>What the resolver specs ask unbound about.</summary>
internal static class DnsZone
{
    /// <summary>Longer than one TXT string can be (255 bytes), like a 2048-bit DKIM key.</summary>
    public static readonly string LongText = "v=DKIM1; k=rsa; p=" + string.Concat(Enumerable.Range(0, 40).Select(i => $"MIIBIjANBgk{i:D3}"));

    public static readonly string[] Records =
    [
        // RFC 2308 §5: negative answers under test. live for min(SOA TTL, MINIMUM) = 30 s.
        "test. 3600 SOA ns.test. hostmaster.test. 1 3600 600 86400 30",
        "host.test. 300 A 192.0.2.1",
        "host.test. 300 A 192.0.2.2",
        "host.test. 300 AAAA 2001:db8::1",
        "host.test. TXT \"v=spf1 \" \"ip4:192.0.2.0/24 \" \"-all\"",
        TestDnsServer.Txt("long.test.", LongText),
        "mail.test. MX 20 mx2.mail.test.",
        "mail.test. MX 10 mx1.mail.test.",
        "nomail.test. MX 0 .",
        "alias.test. CNAME host.test.", // local-data: unbound gives the CNAME alone
        "alias.chased.test. CNAME host.chased.test.", // a zone file: unbound follows it
        "host.chased.test. A 192.0.2.7",
        "1.2.0.192.in-addr.arpa. PTR host.test.",
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. PTR host.test.",
        "short.test. 5 A 192.0.2.5",
    ];
}

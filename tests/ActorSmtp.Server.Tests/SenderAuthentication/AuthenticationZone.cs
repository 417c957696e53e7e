using ActorSmtp.TestSupport;
using Xunit;

namespace ActorSmtp.Server.Tests.SenderAuthentication;

/// <summary>
/// A real DNS server (Debian's unbound) with the zones the end-to-end tests send against, started once for the class:
/// SPF records with ip4, a, mx, include, redirect, exists and macros; DKIM keys (RSA 2048, Ed25519); DMARC records at a
/// domain and at an organizational domain; a blocklist that lists 127.0.0.2; and names that time out.
/// </summary>
public sealed class AuthenticationZone : IAsyncLifetime
{
    public TestDkimKey Rsa { get; } = TestDkimKey.Rsa("a.test", "s1");
    public TestDkimKey Ed { get; } = TestDkimKey.Ed25519("a.test", "ed");
    public TestDkimKey Bank { get; } = TestDkimKey.Rsa("bank.test", "k1");
    public TestDkimKey Forwarder { get; } = TestDkimKey.Rsa("fwd.test", "arc");

    public TestDnsServer Dns { get; private set; } = null!;

    /// <summary>The actorsmtp.dns block pointing at the server, short timeouts.</summary>
    public string DnsBlock => $"actorsmtp.dns {{ servers = [ {Dns.Server} ], timeout = 1s, attempts = 1 }}";

    public async Task InitializeAsync() => Dns = await TestDnsServer.StartAsync(
    [
        // SPF: a.test allows 127.0.0.2 directly; b.test through include + a; c.test by redirect to b.test;
        // d.test by mx; e.test by exists with the %{i} macro; f.test fails hard; t.test's include times out.
        TestDnsServer.Txt("a.test.", "v=spf1 ip4:127.0.0.2 -all"),
        TestDnsServer.Txt("b.test.", "v=spf1 include:_spf.b.test -all"),
        TestDnsServer.Txt("_spf.b.test.", "v=spf1 a:relay.b.test ~all"),
        "relay.b.test. A 127.0.0.3",
        TestDnsServer.Txt("c.test.", "v=spf1 redirect=b.test"),
        TestDnsServer.Txt("d.test.", "v=spf1 mx -all"),
        "d.test. MX 10 mx.d.test.",
        "mx.d.test. A 127.0.0.4",
        TestDnsServer.Txt("e.test.", "v=spf1 exists:%{i}._allow.e.test -all"),
        "127.0.0.5._allow.e.test. A 127.0.0.1",
        TestDnsServer.Txt("f.test.", "v=spf1 -all"),
        TestDnsServer.Txt("g.test.", "v=spf1 ip4:127.0.0.2 ~all"),
        TestDnsServer.Txt("h.test.", "v=spf1 ?all"),
        TestDnsServer.Txt("t.test.", $"v=spf1 include:x.{TestDnsServer.TimeoutZone} -all"),
        TestDnsServer.Txt("helo.test.", "v=spf1 ip4:127.0.0.2 -all"),
        // DKIM keys
        TestDnsServer.Txt(Rsa.RecordName + ".", Rsa.KeyRecord),
        TestDnsServer.Txt(Ed.RecordName + ".", Ed.KeyRecord),
        TestDnsServer.Txt(Bank.RecordName + ".", Bank.KeyRecord),
        TestDnsServer.Txt(Forwarder.RecordName + ".", Forwarder.KeyRecord),
        // DMARC: a.test p=reject; bank.test p=reject for itself, sp=quarantine for its subdomains (found there)
        TestDnsServer.Txt("_dmarc.a.test.", "v=DMARC1; p=reject; adkim=r; aspf=r"),
        TestDnsServer.Txt("_dmarc.bank.test.", "v=DMARC1; p=reject; sp=quarantine"),
        TestDnsServer.Txt("bank.test.", "v=spf1 ip4:192.0.2.1 -all"),
        // The blocklist: 127.0.0.2 is listed (RFC 5782 §5: the test entry), 127.0.0.3 is not
        "2.0.0.127.bl.test. A 127.0.0.2",
        TestDnsServer.Txt("2.0.0.127.bl.test.", "listed for the test"),
    ]);

    public async Task DisposeAsync() => await Dns.DisposeAsync();
}

using System.Net;
using System.Text;
using System.Text.Json;
using ActorSmtp.TestSupport;
using MailKit.Net.Smtp;
using MimeKit;
using Xunit;

namespace ActorSmtp.Server.Tests.SenderAuthentication;

/// <summary>
/// SPF, DKIM, DMARC, ARC and blocklists end to end: MailKit sends from 127.0.0.x to a real server, which asks a real DNS
/// server (unbound) and records what it found in each message's .json (and, when asked, an Authentication-Results header).
/// </summary>
public sealed class SenderAuthenticationTests(AuthenticationZone zone) : IClassFixture<AuthenticationZone>, IDisposable
{
    private readonly ActorSmtp.Server.Tests.Telemetry.MetricCounts _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private const string AllChecks = "actorsmtp.authentication { spf = on, dkim = on, dmarc = on, arc = on }";

    private Task<TestServer> Start(string hocon = AllChecks) => TestServer.StartAsync(zone.DnsBlock + "\n" + hocon);

    private static async Task<SmtpClient> Connect(TestServer server, string from = "127.0.0.2", string helo = "client.test")
    {
        var client = new SmtpClient { LocalEndPoint = new IPEndPoint(IPAddress.Parse(from), 0), Timeout = 20_000, LocalDomain = helo };
        await client.ConnectAsync(server.EndPoint.Address.ToString(), server.EndPoint.Port, MailKit.Security.SecureSocketOptions.None);
        return client;
    }

    private static MimeMessage Message(string from, string subject = "Invoice 42") =>
        MimeMessages.Create(subject, "Please pay invoice 42.\r\n", to: "bob@rcpt.test", from: from);

    private static async Task Send(SmtpClient client, byte[] bytes, string mailFrom)
    {
        using var stream = new MemoryStream(bytes);
        var message = await MimeMessage.LoadAsync(stream);
        await client.SendAsync(message, MailboxAddress.Parse(mailFrom), [MailboxAddress.Parse("bob@rcpt.test")]);
    }

    private static JsonElement Authentication(TestServer server)
    {
        var json = Assert.Single(Directory.GetFiles(server.MailDirectory, "*.json"));
        return JsonDocument.Parse(File.ReadAllBytes(json)).RootElement.GetProperty("authentication");
    }

    [Theory]
    [InlineData("alice@a.test", "127.0.0.2", "pass")] // ip4
    [InlineData("alice@a.test", "127.0.0.3", "fail")] // -all
    [InlineData("alice@b.test", "127.0.0.3", "pass")] // include, then a:
    [InlineData("alice@b.test", "127.0.0.6", "fail")] // the include's softfail is no match (§5.2): -all decides
    [InlineData("alice@c.test", "127.0.0.3", "pass")] // redirect
    [InlineData("alice@d.test", "127.0.0.4", "pass")] // mx
    [InlineData("alice@e.test", "127.0.0.5", "pass")] // exists:%{i}
    [InlineData("alice@e.test", "127.0.0.6", "fail")]
    [InlineData("alice@g.test", "127.0.0.3", "softfail")] // ~all
    [InlineData("alice@h.test", "127.0.0.3", "neutral")] // ?all
    [InlineData("alice@none.test", "127.0.0.2", "none")] // no record
    [InlineData("alice@t.test", "127.0.0.2", "temperror")] // the include's DNS times out: never a pass
    public async Task Spf_results_reach_the_envelope(string mailFrom, string client, string result)
    {
        await using var server = await Start("actorsmtp.authentication.spf = on");
        using (var smtp = await Connect(server, client))
        {
            await smtp.SendAsync(Message(mailFrom), MailboxAddress.Parse(mailFrom), [MailboxAddress.Parse("bob@rcpt.test")]);
            await smtp.DisconnectAsync(true);
        }

        var spf = Authentication(server).GetProperty("spf");

        Assert.Equal((result, "mailfrom", mailFrom.Split('@')[1]),
            (spf.GetProperty("result").GetString(), spf.GetProperty("identity").GetString(), spf.GetProperty("domain").GetString()));
    }

    [Fact]
    public async Task Behind_a_proxy_spf_checks_the_address_the_proxy_header_gives()
    {
        await using var server = await Start("""
            actorsmtp.authentication.spf = on
            actorsmtp.trusted-proxies = [ "127.0.0.1/32" ]
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0, proxy-protocol = v1 } ]
            """);
        await using var proxy = await RawSmtpClient.ConnectAsync(server.EndPoint); // from 127.0.0.1, which a.test does not allow
        await proxy.SendAsync($"PROXY TCP4 127.0.0.2 127.0.0.1 40000 {server.EndPoint.Port}\r\n");
        await proxy.ExpectAsync("220");
        await proxy.SendAsync("EHLO client.test\r\n");
        await proxy.ExpectAsync("250");
        await proxy.BeginDataAsync(from: "alice@a.test", to: "bob@rcpt.test");
        await proxy.SendAsync("From: alice@a.test\r\nSubject: proxied\r\n\r\nHello\r\n.\r\n");
        await proxy.ExpectAsync("250");

        var spf = Authentication(server).GetProperty("spf");

        Assert.Equal("pass", spf.GetProperty("result").GetString()); // 127.0.0.2, the client behind the proxy
    }

    [Fact]
    public async Task A_policy_at_rcpt_sees_the_spf_result_and_the_blocklists()
    {
        var policy = $$"""{ type = "{{typeof(ActorSmtp.Server.Tests.Policies.ScriptedPolicy).AssemblyQualifiedName}}", stages = [rcpt] }""";
        await using var server = await Start($$"""
            actorsmtp.authentication.spf = on
            actorsmtp.trusted-networks = []
            actorsmtp.dnsbl = [ { zone = "bl.test" } ]
            actorsmtp.policies = [ {{policy}} ]
            """);
        using (var smtp = await Connect(server, "127.0.0.3"))
            await smtp.SendAsync(Message("alice@a.test"), MailboxAddress.Parse("alice@a.test"), [MailboxAddress.Parse("seen@rcpt.test")]);

        var tags = JsonDocument.Parse(File.ReadAllBytes(Assert.Single(Directory.GetFiles(server.MailDirectory, "*.json")))).RootElement.GetProperty("tags");

        Assert.Equal(("Fail", "0"), (tags.GetProperty("seen-spf").GetString(), tags.GetProperty("seen-dnsbl").GetString()));
    }

    [Fact]
    public async Task The_null_sender_is_checked_by_its_helo_name()
    {
        await using var server = await Start("actorsmtp.authentication.spf = on");
        using (var smtp = await Connect(server, "127.0.0.2", helo: "helo.test"))
        {
            var message = Message("postmaster@helo.test");
            await smtp.SendAsync(message, new MailboxAddress("", ""), [MailboxAddress.Parse("bob@rcpt.test")]);
        }

        var spf = Authentication(server).GetProperty("spf");

        Assert.Equal(("pass", "helo", "helo.test"), (spf.GetProperty("result").GetString(), spf.GetProperty("identity").GetString(), spf.GetProperty("domain").GetString()));
    }

    [Fact]
    public async Task Spf_fail_reject_refuses_mail_with_5_7_23_and_the_session_goes_on()
    {
        await using var server = await Start("actorsmtp.authentication { spf = on, spf-fail = reject }");
        using var smtp = await Connect(server, "127.0.0.3");

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            smtp.SendAsync(Message("alice@a.test"), MailboxAddress.Parse("alice@a.test"), [MailboxAddress.Parse("bob@rcpt.test")]));
        await smtp.SendAsync(Message("alice@b.test"), MailboxAddress.Parse("alice@b.test"), [MailboxAddress.Parse("bob@rcpt.test")]);

        Assert.Equal((SmtpStatusCode.MailboxUnavailable, SmtpErrorCode.SenderNotAccepted), (refused.StatusCode, refused.ErrorCode));
        Assert.Contains("5.7.23", refused.Message);
        Assert.Single(server.StoredMessages());
    }

    [Fact]
    public async Task Rsa_and_ed25519_signatures_pass_and_dmarc_aligns()
    {
        await using var server = await Start();
        var message = Message("billing@a.test");
        message.Prepare(EncodingConstraint.SevenBit);
        zone.Ed.Signer().Sign(TestDkimKey.FormatOptionsDos, message, [HeaderId.From, HeaderId.Subject]);
        var bytes = zone.Rsa.Sign(message);
        using (var smtp = await Connect(server, "127.0.0.9")) // not SPF's: DKIM alone aligns
            await Send(smtp, bytes, "bounces@a.test");

        var results = Authentication(server);
        var stored = Assert.Single(server.StoredMessages()).Value;

        Assert.Equal(["pass/s1/rsa-sha256", "pass/ed/ed25519-sha256"], results.GetProperty("dkim").EnumerateArray()
            .Select(d => $"{d.GetProperty("result").GetString()}/{d.GetProperty("selector").GetString()}/{d.GetProperty("algorithm").GetString()}"));
        Assert.Equal("fail", results.GetProperty("spf").GetProperty("result").GetString());
        var dmarc = results.GetProperty("dmarc");
        Assert.Equal(("pass", "reject", false, true), (dmarc.GetProperty("result").GetString(), dmarc.GetProperty("policy").GetString(),
            dmarc.GetProperty("spf-aligned").GetBoolean(), dmarc.GetProperty("dkim-aligned").GetBoolean()));
        Assert.Equal(bytes, stored); // the header is off: the stored bytes are exactly the client's
        Assert.True(_metrics["actorsmtp.auth_results|method=dkim|result=pass"] >= 2);
        Assert.True(_metrics["actorsmtp.auth_results|method=dmarc|result=pass"] >= 1);
    }

    [Theory]
    [InlineData("Subject: Invoice 42", "Subject: Invoice 43", "signature did not verify")]
    [InlineData("Please pay invoice 42.", "Please pay invoice 66.", "body hash did not verify")]
    public async Task A_tampered_message_fails_dkim_and_dmarc(string original, string tampered, string reason)
    {
        await using var server = await Start();
        var bytes = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(zone.Rsa.Sign(Message("billing@a.test"))).Replace(original, tampered));
        using (var smtp = await Connect(server, "127.0.0.9"))
            await Send(smtp, bytes, "bounces@a.test");

        var results = Authentication(server);
        var dkim = Assert.Single(results.GetProperty("dkim").EnumerateArray());

        Assert.Equal(("fail", reason), (dkim.GetProperty("result").GetString(), dkim.GetProperty("reason").GetString()));
        Assert.Equal("fail", results.GetProperty("dmarc").GetProperty("result").GetString());
    }

    [Fact]
    public async Task A_forged_from_under_p_reject_is_refused_with_5_7_1_and_nothing_is_stored()
    {
        await using var server = await Start(AllChecks + "\nactorsmtp.authentication.dmarc-reject = reject");
        using var smtp = await Connect(server, "127.0.0.2");

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            smtp.SendAsync(Message("ceo@bank.test"), MailboxAddress.Parse("alice@a.test"), [MailboxAddress.Parse("bob@rcpt.test")]));
        await smtp.SendAsync(Message("alice@a.test"), MailboxAddress.Parse("alice@a.test"), [MailboxAddress.Parse("bob@rcpt.test")]);

        Assert.Equal(SmtpStatusCode.MailboxUnavailable, refused.StatusCode);
        Assert.Contains("5.7.1", refused.Message);
        Assert.Equal("pass", Authentication(server).GetProperty("dmarc").GetProperty("result").GetString()); // only the second is stored
    }

    [Fact]
    public async Task A_subdomain_gets_the_organizational_domains_sp_and_quarantine_tags_it()
    {
        await using var server = await Start(AllChecks + "\nactorsmtp.authentication.dmarc-quarantine = tag");
        using (var smtp = await Connect(server, "127.0.0.2"))
            await smtp.SendAsync(Message("news@mail.bank.test"), MailboxAddress.Parse("alice@a.test"), [MailboxAddress.Parse("bob@rcpt.test")]);

        var json = JsonDocument.Parse(File.ReadAllBytes(Assert.Single(Directory.GetFiles(server.MailDirectory, "*.json")))).RootElement;
        var dmarc = json.GetProperty("authentication").GetProperty("dmarc");

        Assert.Equal(("fail", "mail.bank.test", "bank.test", "quarantine"), (dmarc.GetProperty("result").GetString(),
            dmarc.GetProperty("from-domain").GetString(), dmarc.GetProperty("organizational-domain").GetString(), dmarc.GetProperty("policy").GetString()));
        Assert.Equal("quarantine", json.GetProperty("tags").GetProperty("dmarc").GetString());
    }

    [Fact]
    public async Task A_dkim_key_whose_dns_times_out_is_a_temperror()
    {
        await using var server = await Start("actorsmtp.authentication.dkim = on");
        var key = TestDkimKey.Rsa(TestDnsServer.TimeoutZone, "s1");
        using (var smtp = await Connect(server))
            await Send(smtp, key.Sign(Message("alice@" + TestDnsServer.TimeoutZone)), "alice@a.test");

        var dkim = Assert.Single(Authentication(server).GetProperty("dkim").EnumerateArray());

        Assert.Equal("temperror", dkim.GetProperty("result").GetString());
    }

    [Fact]
    public async Task An_arc_chain_sealed_by_a_forwarder_validates()
    {
        await using var server = await Start();
        var message = Message("billing@a.test");
        var signed = zone.Rsa.Sign(message);
        using var stream = new MemoryStream(signed);
        var forwarded = await MimeMessage.LoadAsync(stream);
        await zone.Forwarder.ArcSigner().SignAsync(TestDkimKey.FormatOptionsDos, forwarded, [HeaderId.From, HeaderId.Subject, HeaderId.DkimSignature]);
        using (var smtp = await Connect(server))
            await Send(smtp, MimeMessages.WireBytes(forwarded), "alice@a.test");

        var arc = Authentication(server).GetProperty("arc");
        Assert.Contains("ARC-Seal", Encoding.ASCII.GetString(Assert.Single(server.StoredMessages()).Value)[..300]);

        Assert.Equal(("pass", 1), (arc.GetProperty("result").GetString(), arc.GetProperty("instances").GetInt32()));
    }

    [Fact]
    public async Task The_header_is_prepended_and_a_forged_one_claiming_our_name_removed()
    {
        await using var server = await Start(AllChecks + "\nactorsmtp.authentication.add-authentication-results = on");
        var message = Message("billing@a.test");
        message.Headers.Add("Authentication-Results", "mx.test; dkim=pass header.d=bank.test"); // forged: claims us
        message.Headers.Add("Authentication-Results", "other.example; spf=pass smtp.mailfrom=a.test");
        var bytes = zone.Rsa.Sign(message);
        using (var smtp = await Connect(server, "127.0.0.2"))
            await Send(smtp, bytes, "alice@a.test");

        var stored = Encoding.ASCII.GetString(Assert.Single(server.StoredMessages()).Value);
        var original = Encoding.ASCII.GetString(bytes);

        var field = stored[..stored.IndexOf("\r\nDKIM-Signature:", StringComparison.Ordinal)].Replace("\r\n\t", " ");

        Assert.StartsWith("Authentication-Results: mx.test; spf=pass", field);
        Assert.Contains("smtp.mailfrom=a.test; dkim=pass header.d=a.test header.s=s1 header.a=rsa-sha256; dmarc=pass", field);
        Assert.EndsWith("header.from=a.test; arc=none", field);
        Assert.DoesNotContain("mx.test; dkim=pass header.d=bank.test", stored);
        Assert.Contains("other.example; spf=pass smtp.mailfrom=a.test", stored);
        Assert.EndsWith(original[original.IndexOf("Authentication-Results: other.example", StringComparison.Ordinal)..], stored);
    }

    [Fact]
    public async Task A_listed_client_gets_the_zones_reply_and_a_clean_one_is_recorded()
    {
        await using var server = await Start("""
            actorsmtp.trusted-networks = [ "127.0.0.1/32" ]
            actorsmtp.dnsbl = [ { zone = "bl.test", reply = "554 5.7.1 Service unavailable; client [{ip}] blocked using {zone}" },
                                { zone = "timeout.test", weight = 5 } ]
            """);

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => Connect(server, "127.0.0.2"));
        using (var clean = await Connect(server, "127.0.0.3"))
            await clean.SendAsync(Message("alice@a.test"), MailboxAddress.Parse("alice@a.test"), [MailboxAddress.Parse("bob@rcpt.test")]);
        using (var trusted = await Connect(server, "127.0.0.1"))
            await trusted.SendAsync(Message("alice@a.test"), MailboxAddress.Parse("alice@a.test"), [MailboxAddress.Parse("bob@rcpt.test")]);

        Assert.Equal(SmtpStatusCode.TransactionFailed, refused.StatusCode); // 554
        Assert.Equal("5.7.1 Service unavailable; client [127.0.0.2] blocked using bl.test", refused.Message);
        var documents = Directory.GetFiles(server.MailDirectory, "*.json").Select(f => JsonDocument.Parse(File.ReadAllBytes(f)).RootElement).ToArray();
        var checkedOne = Assert.Single(documents, d => d.GetProperty("client").GetProperty("address").GetString() == "127.0.0.3");
        var dnsbl = checkedOne.GetProperty("authentication").GetProperty("dnsbl");
        Assert.Equal((false, 0), (dnsbl.GetProperty("blocked").GetBoolean(), dnsbl.GetProperty("score").GetInt32()));
        Assert.Equal(["timeout.test"], dnsbl.GetProperty("temp-errors").EnumerateArray().Select(e => e.GetString()));
        var trustedOne = Assert.Single(documents, d => d.GetProperty("client").GetProperty("address").GetString() == "127.0.0.1");
        Assert.False(trustedOne.GetProperty("authentication").TryGetProperty("dnsbl", out _)); // never looked up
    }

    [Fact]
    public async Task With_every_check_off_the_envelope_has_no_authentication()
    {
        await using var server = await TestServer.StartAsync();
        using (var smtp = await Connect(server))
            await smtp.SendAsync(Message("alice@a.test"), MailboxAddress.Parse("alice@a.test"), [MailboxAddress.Parse("bob@rcpt.test")]);

        var json = JsonDocument.Parse(File.ReadAllBytes(Assert.Single(Directory.GetFiles(server.MailDirectory, "*.json")))).RootElement;

        Assert.False(json.TryGetProperty("authentication", out _));
    }
}

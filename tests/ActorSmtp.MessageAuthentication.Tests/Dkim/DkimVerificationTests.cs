using System.Text;
using ActorSmtp.MessageAuthentication.Dkim;
using ActorSmtp.Sinks;
using MimeKit;
using MimeKit.Cryptography;

namespace ActorSmtp.MessageAuthentication.Tests.Dkim;

/// <summary>
/// Messages signed by MimeKit's DkimSigner, verified as they stream by in pieces of every size: the stored bytes, a
/// changed header, a changed body byte, l= with content appended, keys missing, revoked or unreachable.
/// </summary>
public sealed class DkimVerificationTests
{
    private static readonly TestDkimKey Rsa = TestDkimKey.Rsa("a.test", "s1");
    private static readonly TestDkimKey Ed = TestDkimKey.Ed25519("a.test", "ed");
    private readonly FakeDns _zone = new FakeDns().Txt(Rsa.RecordName, Rsa.KeyRecord).Txt(Ed.RecordName, Ed.KeyRecord);

    private static MimeMessage Message(string body = "Hello,\r\n\r\n  the  invoice   is attached.  \r\n\r\n\r\n") =>
        MimeMessages.Create("Invoice 42", body, to: "bob@b.test", from: "billing@a.test");

    private async Task<IReadOnlyList<DkimCheck>> Verify(byte[] bytes, int piece = 7)
    {
        using var verification = new DkimVerification(_zone, 64 * 1024);
        for (var at = 0; at < bytes.Length; at += piece)
            verification.Append(bytes.AsSpan(at, Math.Min(piece, bytes.Length - at)));
        return await verification.CompleteAsync();
    }

    [Theory]
    [InlineData(DkimCanonicalizationAlgorithm.Relaxed, 1)]
    [InlineData(DkimCanonicalizationAlgorithm.Relaxed, 7)]
    [InlineData(DkimCanonicalizationAlgorithm.Relaxed, 100_000)]
    [InlineData(DkimCanonicalizationAlgorithm.Simple, 1)]
    [InlineData(DkimCanonicalizationAlgorithm.Simple, 3)]
    [InlineData(DkimCanonicalizationAlgorithm.Simple, 100_000)]
    public async Task A_signed_message_passes_however_it_is_split(DkimCanonicalizationAlgorithm canonicalization, int piece)
    {
        var checks = await Verify(Rsa.Sign(Message(), canonicalization), piece);

        var check = Assert.Single(checks);
        Assert.Equal(new DkimCheck(DkimResult.Pass, "a.test", "s1", "rsa-sha256"), check);
    }

    [Fact]
    public async Task Ed25519_signatures_pass_beside_rsa_ones()
    {
        var message = Message();
        message.Prepare(EncodingConstraint.SevenBit);
        Ed.Signer().Sign(TestDkimKey.FormatOptionsDos, message, [HeaderId.From, HeaderId.Subject]);
        var bytes = Rsa.Sign(message);

        var checks = await Verify(bytes);

        Assert.Equal([(DkimResult.Pass, "s1", "rsa-sha256"), (DkimResult.Pass, "ed", "ed25519-sha256")],
            checks.Select(c => (c.Result, c.Selector, c.Algorithm!)).ToArray());
    }

    [Fact]
    public async Task A_changed_header_fails()
    {
        var bytes = Encoding.ASCII.GetString(Rsa.Sign(Message())).Replace("Subject: Invoice 42", "Subject: Invoice 43");

        var check = Assert.Single(await Verify(Encoding.ASCII.GetBytes(bytes)));

        Assert.Equal((DkimResult.Fail, "signature did not verify"), (check.Result, check.Reason));
    }

    [Fact]
    public async Task A_changed_body_byte_fails_on_the_body_hash()
    {
        var bytes = Encoding.ASCII.GetString(Rsa.Sign(Message())).Replace("invoice", "invoicE");

        var check = Assert.Single(await Verify(Encoding.ASCII.GetBytes(bytes)));

        Assert.Equal((DkimResult.Fail, "body hash did not verify"), (check.Result, check.Reason));
    }

    [Fact]
    public async Task Relaxed_ignores_what_relaxed_canonicalization_drops()
    {
        var bytes = Encoding.ASCII.GetString(Rsa.Sign(Message())).Replace("the  invoice   is", "the \t invoice is") + "\r\n\r\n";

        Assert.Equal(DkimResult.Pass, Assert.Single(await Verify(Encoding.ASCII.GetBytes(bytes))).Result);
    }

    [Fact]
    public async Task A_body_as_long_as_l_passes_and_content_appended_after_l_is_not_a_pass()
    {
        const string signedBody = "Pay to account 1.\r\n";
        var signed = LengthSignature.Sign(Rsa, Message(signedBody), signedBody.Length);
        var appended = signed + "Actually, pay to account 666.\r\n";

        var exact = Assert.Single(await Verify(Encoding.ASCII.GetBytes(signed)));
        var longer = Assert.Single(await Verify(Encoding.ASCII.GetBytes(appended)));

        Assert.Equal(DkimResult.Pass, exact.Result);
        Assert.Equal(DkimResult.Policy, longer.Result);
        Assert.Equal($"l={signedBody.Length} signs {signedBody.Length} of {signedBody.Length + 31} body octets", longer.Reason);
    }

    [Fact]
    public async Task A_missing_key_is_a_permerror_and_an_unreachable_one_a_temperror()
    {
        var bytes = Rsa.Sign(Message());

        _zone.Txt(Rsa.RecordName);
        var missing = Assert.Single(await Verify(bytes));
        _zone.Failing.Add(Rsa.RecordName);
        var unreachable = Assert.Single(await Verify(bytes));

        Assert.Equal((DkimResult.PermError, "no key for the selector"), (missing.Result, missing.Reason));
        Assert.Equal(DkimResult.TempError, unreachable.Result);
    }

    [Fact]
    public async Task A_revoked_key_is_a_permerror()
    {
        _zone.Txt(Rsa.RecordName, "v=DKIM1; k=rsa; p=");

        var check = Assert.Single(await Verify(Rsa.Sign(Message())));

        Assert.Equal((DkimResult.PermError, "key revoked"), (check.Result, check.Reason));
    }

    [Fact]
    public async Task An_unsigned_message_has_no_results_and_asks_no_dns()
    {
        var checks = await Verify(MimeMessages.WireBytes(Message()));

        Assert.Empty(checks);
        Assert.Empty(_zone.Queries);
    }

    [Fact]
    public async Task A_signature_without_from_in_h_is_a_permerror_naming_why()
    {
        var bytes = Encoding.ASCII.GetBytes(
            "DKIM-Signature: v=1; a=rsa-sha256; d=a.test; s=s1; h=subject; bh=AAAA; b=AAAA\r\nFrom: x@a.test\r\n\r\nbody\r\n");

        var check = Assert.Single(await Verify(bytes));

        Assert.Equal(new DkimCheck(DkimResult.PermError, "a.test", "s1", null, "the From field is not signed"), check);
    }

    [Fact]
    public async Task An_expired_signature_is_a_permerror()
    {
        var message = Message();
        message.Prepare(EncodingConstraint.SevenBit);
        var signer = Rsa.Signer();
        signer.SignaturesExpireAfter = TimeSpan.FromSeconds(1);
        signer.Sign(TestDkimKey.FormatOptionsDos, message, [HeaderId.From]);
        var bytes = MimeMessages.WireBytes(message);
        using var verification = new DkimVerification(_zone, 64 * 1024, new ShiftedTime(TimeSpan.FromHours(1)));

        verification.Append(bytes);
        var check = Assert.Single(await verification.CompleteAsync());

        Assert.Equal((DkimResult.PermError, "signature expired"), (check.Result, check.Reason));
    }

    private sealed class ShiftedTime(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + by;
    }
}

using System.Text;
using ActorSmtp.MessageAuthentication.Arc;
using ActorSmtp.Sinks;
using MimeKit;

namespace ActorSmtp.MessageAuthentication.Tests.Arc;

/// <summary>ARC chains sealed by MimeKit's ArcSigner, validated from the bytes as they stream by.</summary>
public sealed class ArcValidationTests
{
    private static readonly TestDkimKey Origin = TestDkimKey.Rsa("a.test", "s1");
    private static readonly TestDkimKey Forwarder = TestDkimKey.Rsa("fwd.test", "arc");
    private readonly FakeDns _zone = new FakeDns().Txt(Origin.RecordName, Origin.KeyRecord).Txt(Forwarder.RecordName, Forwarder.KeyRecord);

    private static async Task<byte[]> Forwarded(string body = "Forward me.\r\n")
    {
        var signed = Origin.Sign(MimeMessages.Create("Hello", body, to: "bob@b.test", from: "alice@a.test"));
        using var stream = new MemoryStream(signed);
        var message = await MimeMessage.LoadAsync(stream);
        await Forwarder.ArcSigner().SignAsync(TestDkimKey.FormatOptionsDos, message, [HeaderId.From, HeaderId.Subject, HeaderId.DkimSignature]);
        return MimeMessages.WireBytes(message);
    }

    private async Task<ArcCheck> Validate(byte[] bytes, long maxSize = 1 << 20)
    {
        var validation = new ArcValidation(maxSize);
        for (var at = 0; at < bytes.Length; at += 100)
            validation.Append(bytes.AsSpan(at, Math.Min(100, bytes.Length - at)));
        return await validation.VerifyAsync(_zone, CancellationToken.None);
    }

    [Fact]
    public async Task A_sealed_chain_passes()
    {
        Assert.Equal(new ArcCheck(ArcResult.Pass, 1), await Validate(await Forwarded()));
    }

    [Fact]
    public async Task A_body_changed_after_sealing_fails()
    {
        var bytes = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(await Forwarded()).Replace("Forward me.", "Forward us."));

        Assert.Equal(ArcResult.Fail, (await Validate(bytes)).Result);
    }

    [Fact]
    public async Task An_unsealed_message_is_none_and_a_too_large_one_is_not_validated()
    {
        var plain = MimeMessages.WireBytes(MimeMessages.Create("Hello", "No chain.\r\n"));

        Assert.Equal(new ArcCheck(ArcResult.None, 0), await Validate(plain));
        Assert.Equal(ArcResult.None, (await Validate(await Forwarded(), maxSize: 200)).Result);
        Assert.Contains("arc-max-size", (await Validate(await Forwarded(), maxSize: 200)).Reason);
    }
}

using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>
/// MimeKit's key record parser (k=rsa or ed25519, p=) without its DNS side: <see cref="DkimKeys"/> asks DNS through the
/// server's resolver. The locate methods are never called (the verifiers here are handed keys).
/// </summary>
internal sealed class KeyRecordParser : DkimPublicKeyLocatorBase
{
    public static readonly KeyRecordParser Instance = new();

    public AsymmetricKeyParameter Key(string txt) => GetPublicKey(txt);

    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("keys are found by DkimKeys");

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("keys are found by DkimKeys");
}

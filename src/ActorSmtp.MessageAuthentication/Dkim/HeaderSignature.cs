using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>
/// MimeKit's verification of the header hash and signature (RFC 6376 §3.7 steps, §6.1.3), without its body hash:
/// that one is computed as the body streams (<see cref="BodyHasher"/>), so the message here is the header block only.
/// </summary>
internal sealed class HeaderSignature() : DkimVerifierBase(KeyRecordParser.Instance)
{
    private static readonly FormatOptions Options = CreateOptions();

    public bool Verify(MimeMessage headers, Header field, DkimSignature signature, AsymmetricKeyParameter key) =>
        IsEnabled(signature.Algorithm)
        && VerifySignature(Options, headers, field, signature.Algorithm, key, signature.SignedHeaders,
            signature.HeaderCanonicalization, signature.Signature);

    /// <summary>RSA-SHA1 is off in MimeKit by default (RFC 8301 §3.1: verifiers must not consider it valid).</summary>
    public bool Allows(DkimSignatureAlgorithm algorithm) => IsEnabled(algorithm);

    private static FormatOptions CreateOptions()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos; // §3.4: canonical lines end with CRLF
        return options;
    }
}

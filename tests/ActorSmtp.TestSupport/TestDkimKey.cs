using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;

namespace ActorSmtp.TestSupport;

/// <summary>
/// A signing key of a test domain: the private half signs with MimeKit's DkimSigner/ArcSigner, the public half is the
/// TXT record a test DNS server publishes at <c>selector._domainkey.domain</c> (RFC 6376 §3.6.1, RFC 8463 for Ed25519).
/// </summary>
public sealed class TestDkimKey
{
    private readonly AsymmetricKeyParameter _private;

    private TestDkimKey(AsymmetricKeyParameter key, string domain, string selector, DkimSignatureAlgorithm algorithm, string keyRecord)
    {
        _private = key;
        Domain = domain;
        Selector = selector;
        Algorithm = algorithm;
        KeyRecord = keyRecord;
    }

    public string Domain { get; }
    public string Selector { get; }
    public DkimSignatureAlgorithm Algorithm { get; }

    /// <summary>The TXT value: "v=DKIM1; k=rsa; p=…".</summary>
    public string KeyRecord { get; }

    /// <summary>The owner name of <see cref="KeyRecord"/>.</summary>
    public string RecordName => $"{Selector}._domainkey.{Domain}";

    public static TestDkimKey Rsa(string domain, string selector, int bits = 2048)
    {
        var (key, record) = DkimKeyMaterial.Rsa(bits);
        return new TestDkimKey(key, domain, selector, DkimSignatureAlgorithm.RsaSha256, record);
    }

    public static TestDkimKey Ed25519(string domain, string selector)
    {
        var (key, record) = DkimKeyMaterial.Ed25519();
        return new TestDkimKey(key, domain, selector, DkimSignatureAlgorithm.Ed25519Sha256, record);
    }

    public DkimSigner Signer(DkimCanonicalizationAlgorithm canonicalization = DkimCanonicalizationAlgorithm.Relaxed) => new(_private, Domain, Selector, Algorithm)
    {
        HeaderCanonicalizationAlgorithm = canonicalization,
        BodyCanonicalizationAlgorithm = canonicalization,
    };

    /// <summary>The raw signature of <paramref name="data"/> (RSA-SHA256 PKCS#1 v1.5 or Ed25519), for hand-made signatures.</summary>
    public byte[] SignData(byte[] data)
    {
        var signer = SignerUtilities.GetSigner(Algorithm == DkimSignatureAlgorithm.Ed25519Sha256 ? "Ed25519" : "SHA256withRSA");
        signer.Init(true, _private);
        signer.BlockUpdate(data, 0, data.Length);
        return signer.GenerateSignature();
    }

    public ArcSigner ArcSigner() => new TestArcSigner(_private, Domain, Selector, Algorithm);

    /// <summary>Signs <paramref name="message"/> (From, To, Subject, Date, Message-ID) and returns its wire bytes.</summary>
    public byte[] Sign(MimeMessage message, DkimCanonicalizationAlgorithm canonicalization = DkimCanonicalizationAlgorithm.Relaxed)
    {
        message.Prepare(EncodingConstraint.SevenBit);
        Signer(canonicalization).Sign(FormatOptionsDos, message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
        return MimeMessages.WireBytes(message);
    }

    public static readonly FormatOptions FormatOptionsDos = new() { NewLineFormat = NewLineFormat.Dos };

    /// <summary>ARC sealing records the results this hop saw (ARC-Authentication-Results); the tests claim dkim=pass, which no check reads.</summary>
    private sealed class TestArcSigner(AsymmetricKeyParameter key, string domain, string selector, DkimSignatureAlgorithm algorithm)
        : ArcSigner(key, domain, selector, algorithm)
    {
        protected override AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken = default) =>
            new(Domain) { Results = { new AuthenticationMethodResult("dkim", "pass") } };

        protected override Task<AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken = default) =>
            Task.FromResult(GenerateArcAuthenticationResults(options, message, cancellationToken));
    }
}

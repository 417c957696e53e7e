using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace ActorSmtp.TestSupport;

/// <summary>
/// A fresh DKIM key pair and the TXT record that publishes its public half (RFC 6376 §3.6.1; RFC 8463 for Ed25519: the
/// raw 32 bytes). Shared by the tests (TestDkimKey) and the load generator's dkim-message, which links this file.
/// </summary>
internal static class DkimKeyMaterial
{
    private static readonly SecureRandom Random = new();

    public static (AsymmetricKeyParameter Private, string Record) Rsa(int bits = 2048)
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new KeyGenerationParameters(Random, bits));
        var pair = generator.GenerateKeyPair();
        var spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetEncoded();
        return (pair.Private, "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(spki));
    }

    public static (AsymmetricKeyParameter Private, string Record) Ed25519()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(Random));
        var pair = generator.GenerateKeyPair();
        return (pair.Private, "v=DKIM1; k=ed25519; p=" + Convert.ToBase64String(((Ed25519PublicKeyParameters)pair.Public).GetEncoded()));
    }
}

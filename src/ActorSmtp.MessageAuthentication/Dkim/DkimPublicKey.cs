using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>
/// A selector's public key (RFC 6376 §3.6.1, RFC 8463), made once per key record and kept (see <see cref="DkimKeys"/>).
/// RSA runs on the platform's implementation (OpenSSL here): 0.025 ms a verification, against 0.35 ms for BouncyCastle
/// through MimeKit, whose key import also validates the modulus for ~20 ms (load-tests/BENCHMARKS.md, issue 20).
/// Ed25519, which .NET lacks, is BouncyCastle's.
/// </summary>
internal sealed class DkimPublicKey
{
    /// <summary>RFC 8301 §3.2: keys shorter than 1024 bits are not to be considered valid.</summary>
    public const int MinimumRsaBits = 1024;

    private const int IdleRsaObjects = 8;

    private readonly RSAParameters? _rsa;
    // An RSA object is not documented as safe to share, and a lock on one made 16 sessions queue behind each other (the
    // trace showed Monitor.Enter first): each verification takes an idle object of this key, or imports one more.
    private readonly System.Collections.Concurrent.ConcurrentQueue<RSA> _idle = new();
    private readonly Ed25519PublicKeyParameters? _ed25519;
    private readonly Lazy<AsymmetricKeyParameter> _forMimeKit;

    private DkimPublicKey(string record, RSA? rsa, Ed25519PublicKeyParameters? ed25519)
    {
        if (rsa is not null)
        {
            _rsa = rsa.ExportParameters(includePrivateParameters: false);
            _idle.Enqueue(rsa);
        }
        _ed25519 = ed25519;
        _forMimeKit = new(() => KeyRecordParser.Instance.Key(record)); // ARC: MimeKit's ArcVerifier takes BouncyCastle keys
    }

    public bool IsEd25519 => _ed25519 is not null;

    /// <summary>The key as MimeKit's verifiers take it (made when first asked, then kept).</summary>
    public AsymmetricKeyParameter ForMimeKit => _forMimeKit.Value;

    /// <summary>The key of a record's k= and p= tags, or why it is unusable.</summary>
    public static (DkimPublicKey? Key, string? Error) From(string record, IReadOnlyDictionary<string, string> tags)
    {
        byte[] data;
        try
        {
            data = Convert.FromBase64String(TagList.WithoutWhiteSpace(tags["p"]));
        }
        catch (FormatException)
        {
            return (null, "p= is not base64");
        }
        return tags.GetValueOrDefault("k", "rsa").ToLowerInvariant() switch
        {
            "rsa" => Rsa(record, data),
            "ed25519" when data.Length == Ed25519PublicKeyParameters.KeySize => (new DkimPublicKey(record, null, new Ed25519PublicKeyParameters(data)), null),
            "ed25519" => (null, "an Ed25519 key is 32 bytes"),
            var other => (null, $"unknown key type k={other}"),
        };
    }

    private static (DkimPublicKey? Key, string? Error) Rsa(string record, byte[] data)
    {
        var rsa = RSA.Create();
        try
        {
            // §3.6.1 says RSAPublicKey; in practice (and in MimeKit's signer) it is a SubjectPublicKeyInfo: read both.
            try
            {
                rsa.ImportSubjectPublicKeyInfo(data, out _);
            }
            catch (CryptographicException)
            {
                rsa.ImportRSAPublicKey(data, out _);
            }
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            return (null, "p= is not an RSA public key");
        }
        if (rsa.KeySize < MinimumRsaBits)
        {
            rsa.Dispose();
            return (null, $"an RSA key of {rsa.KeySize} bits is too short (RFC 8301)");
        }
        return (new DkimPublicKey(record, rsa, null), null);
    }

    /// <summary>Checks <paramref name="signature"/> over the canonical header data (RFC 6376 §3.7; RFC 8463 §3 signs its SHA-256 hash).</summary>
    public bool Verify(ReadOnlySpan<byte> data, byte[] signature, HashAlgorithmName hash)
    {
        if (_ed25519 is not null)
        {
            var digest = SHA256.HashData(data);
            var verifier = new Ed25519Signer();
            verifier.Init(false, _ed25519);
            verifier.BlockUpdate(digest, 0, digest.Length);
            return verifier.VerifySignature(signature);
        }
        if (!_idle.TryDequeue(out var rsa))
            rsa = RSA.Create(_rsa!.Value);
        try
        {
            return rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false; // a signature of the wrong length for the key
        }
        finally
        {
            if (_idle.Count < IdleRsaObjects)
                _idle.Enqueue(rsa);
            else
                rsa.Dispose();
        }
    }
}

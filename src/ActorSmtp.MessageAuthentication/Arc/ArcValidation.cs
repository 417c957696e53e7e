using ActorSmtp.Dns;
using ActorSmtp.Sinks;
using MimeKit;
using MimeKit.Cryptography;

namespace ActorSmtp.MessageAuthentication.Arc;

/// <summary>
/// ARC chain validation (RFC 8617 §5.2) of one message with MimeKit's <see cref="ArcVerifier"/>, which needs the whole
/// message: the bytes are kept as they stream by, up to a cap (<c>arc-max-size</c>). A message without ARC headers
/// is seen to be so from its header block and nothing more is kept; one over the cap is not validated (none, with
/// the reason), so memory stays bounded.
/// </summary>
public sealed class ArcValidation(long maxSize)
{
    private readonly List<byte[]> _pieces = [];
    private long _size;
    private bool _tooLarge;
    private bool? _hasArcHeaders;

    /// <summary>The next bytes of the message, exactly as stored.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_tooLarge || _hasArcHeaders == false)
            return;
        _size += bytes.Length;
        if (_size > maxSize)
        {
            _tooLarge = true;
            _pieces.Clear();
            return;
        }
        _pieces.Add(bytes.ToArray());
        if (_hasArcHeaders is null)
            Probe();
    }

    public async ValueTask<ArcCheck> VerifyAsync(IDnsLookup dns, CancellationToken ct)
    {
        if (_tooLarge)
            return new ArcCheck(ArcResult.None, 0, $"not validated: larger than arc-max-size ({maxSize} bytes)");
        if (_hasArcHeaders == false)
            return new ArcCheck(ArcResult.None, 0);
        using var stream = new MemoryStream(Joined(), writable: false);
        var message = await MimeMessage.LoadAsync(stream, ct).ConfigureAwait(false);
        var instances = message.Headers.Count(h => h.Id == HeaderId.ArcSeal);
        if (instances == 0)
            return new ArcCheck(ArcResult.None, 0);
        try
        {
            var result = await new ArcVerifier(new DnsKeyLocator(dns)).VerifyAsync(message, ct).ConfigureAwait(false);
            return result.Chain switch
            {
                ArcSignatureValidationResult.Pass => new ArcCheck(ArcResult.Pass, instances),
                ArcSignatureValidationResult.None => new ArcCheck(ArcResult.None, instances),
                _ => new ArcCheck(ArcResult.Fail, instances, "the ARC chain did not validate"),
            };
        }
        catch (Exception e) when (e is FormatException or ParseException or InvalidOperationException or ArgumentException)
        {
            return new ArcCheck(ArcResult.Fail, instances, "malformed ARC set: " + e.Message);
        }
    }

    /// <summary>Once the header block is in: without an ARC-Seal there is no chain, and nothing more is kept.</summary>
    private void Probe()
    {
        var joined = Joined();
        var end = joined.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0 && joined.Length < 64 * 1024)
            return;
        var block = end < 0 ? joined : joined[..(end + 2)];
        var text = "\n" + System.Text.Encoding.ASCII.GetString(block);
        _hasArcHeaders = text.Contains("\nARC-Seal:", StringComparison.OrdinalIgnoreCase);
        if (_hasArcHeaders == false)
            _pieces.Clear();
    }

    private byte[] Joined()
    {
        var all = new byte[_pieces.Sum(p => p.Length)];
        var at = 0;
        foreach (var piece in _pieces)
        {
            piece.CopyTo(all, at);
            at += piece.Length;
        }
        return all;
    }

    /// <summary>MimeKit's verifier asks for keys by itself: through the server's resolver and the parsed-key cache; none is a failure.</summary>
    private sealed class DnsKeyLocator(IDnsLookup dns) : DkimPublicKeyLocatorBase
    {
        private readonly Dkim.DkimKeys _keys = new(dns);

        public override Org.BouncyCastle.Crypto.AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

        public override async Task<Org.BouncyCastle.Crypto.AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        {
            var found = await _keys.FindAsync(domain, selector, cancellationToken).ConfigureAwait(false);
            return found.Key?.ForMimeKit ?? throw new ParseException($"no key for {selector}._domainkey.{domain}: {found.Reason}", 0, 0);
        }
    }
}

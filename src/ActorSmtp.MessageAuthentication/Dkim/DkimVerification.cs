using ActorSmtp.Dns;
using ActorSmtp.Sinks;
using System.Security.Cryptography;
using MimeKit.Cryptography;

namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>
/// Verifies every DKIM-Signature of one message (RFC 6376 §6.1) over the bytes as they are received: the connection
/// shows it each decoded piece (<see cref="Append"/>), the body hashes grow as the body streams, and at the end of
/// data <see cref="CompleteAsync"/> finds the keys and checks the header signatures. A 100 MB body is never re-read.
/// </summary>
public sealed class DkimVerification : IDisposable
{
    /// <summary>§6.1: a verifier may limit the signatures it checks; beyond these eight the rest are not reported.</summary>
    public const int MaxSignatures = 8;

    private readonly DkimKeys _keys;
    private readonly TimeProvider _time;
    private readonly SignedMessage _message;
    private List<Pending>? _pending;
    private IReadOnlyList<DkimHeaderHash.Field>? _fields; // split once, when the block has a DKIM-Signature

    /// <param name="maxHeaderBytes">The server's max-header-size: a longer block is refused anyway, so nothing is verified.</param>
    public DkimVerification(IDnsLookup dns, int maxHeaderBytes, TimeProvider? time = null)
    {
        _keys = new DkimKeys(dns);
        _time = time ?? TimeProvider.System;
        _message = new SignedMessage(maxHeaderBytes);
    }

    /// <summary>The next decoded bytes of the message, exactly as they will be stored.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        var wasInBody = _message.InBody;
        var body = _message.Append(bytes);
        if (!wasInBody && _message.InBody)
            _pending = FindSignatures(_message.HeaderBlock, inBody: true);
        if (_pending is null || body.IsEmpty)
            return;
        foreach (var signature in _pending)
            signature.Body?.Append(body);
    }

    /// <summary>One result per signature (none when the message is unsigned), after the last byte.</summary>
    public async ValueTask<IReadOnlyList<DkimCheck>> CompleteAsync(CancellationToken ct = default)
    {
        if (!_message.InBody && !_message.Overflowed)
            _pending = FindSignatures(_message.HeaderBlock, inBody: false); // a message of headers only
        if (_pending is not { Count: > 0 } pending || _fields is not { } fields)
            return [];
        var checks = new DkimCheck[pending.Count];
        for (var i = 0; i < pending.Count; i++)
            checks[i] = await VerifyAsync(pending[i], fields, ct).ConfigureAwait(false);
        return checks;
    }

    private async ValueTask<DkimCheck> VerifyAsync(Pending pending, IReadOnlyList<DkimHeaderHash.Field> fields, CancellationToken ct)
    {
        if (pending.Signature is not { } signature)
            return new DkimCheck(DkimResult.PermError, pending.Domain, pending.Selector, null, pending.Error);
        DkimCheck Result(DkimResult result, string? reason) => new(result, signature.Domain, signature.Selector, signature.AlgorithmName, reason);

        if (signature.Expires is { } expires && expires < _time.GetUtcNow())
            return Result(DkimResult.PermError, "signature expired");
        var body = pending.Body!;
        if (body.Complete() != signature.BodyHash)
            return Result(DkimResult.Fail, "body hash did not verify");
        if (signature.BodyLength > body.CanonicalLength)
            return Result(DkimResult.Fail, "l= is longer than the body");
        var key = await _keys.FindAsync(signature.Domain, signature.Selector, ct).ConfigureAwait(false);
        if (key.Key is null)
            return Result(key.Failure!.Value, key.Reason);
        if (key.Key.IsEd25519 != (signature.Algorithm == DkimSignatureAlgorithm.Ed25519Sha256))
            return Result(DkimResult.PermError, "the key's type does not match a=");
        if (!Verified(fields, pending.FieldIndex, signature, key.Key))
            return Result(DkimResult.Fail, "signature did not verify");
        // §8.2: content after l= is unsigned; a signature that covers only part of the body is not a pass here.
        return signature.BodyLength >= 0 && signature.BodyLength < body.CanonicalLength
            ? Result(DkimResult.Policy, $"l={signature.BodyLength} signs {signature.BodyLength} of {body.CanonicalLength} body octets")
            : Result(DkimResult.Pass, null);
    }

    private static bool Verified(IReadOnlyList<DkimHeaderHash.Field> fields, int field, DkimSignature signature, DkimPublicKey key)
    {
        byte[] b;
        try
        {
            b = Convert.FromBase64String(signature.Signature);
        }
        catch (FormatException)
        {
            return false; // a b= that is not base64 is no valid signature
        }
        var hash = signature.Algorithm == DkimSignatureAlgorithm.RsaSha1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
        return key.Verify(DkimHeaderHash.Data(fields, field, signature), b, hash);
    }

    private List<Pending> FindSignatures(ReadOnlyMemory<byte> headerBlock, bool inBody)
    {
        var pending = new List<Pending>();
        if (!Contains(headerBlock.Span, "dkim-signature:"u8))
            return pending; // most mail: nothing more to do
        _fields = DkimHeaderHash.Fields(inBody ? headerBlock.Span : Terminated(headerBlock).Span);
        for (var i = 0; i < _fields.Count && pending.Count < MaxSignatures; i++)
            if (_fields[i].Name.Equals("DKIM-Signature", StringComparison.OrdinalIgnoreCase))
                pending.Add(Pending.For(i, _fields[i].Value));
        return pending;
    }

    /// <summary>A header block that the message ended in, completed with the empty line.</summary>
    private static ReadOnlyMemory<byte> Terminated(ReadOnlyMemory<byte> block) =>
        block.Span.EndsWith("\r\n"u8) ? (byte[])[.. block.Span, .. "\r\n"u8] : (byte[])[.. block.Span, .. "\r\n\r\n"u8];

    private static bool Contains(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerCaseName)
    {
        for (var at = 0; at <= text.Length - lowerCaseName.Length; at++)
            if ((at == 0 || text[at - 1] == (byte)'\n') && System.Text.Ascii.EqualsIgnoreCase(text.Slice(at, lowerCaseName.Length), lowerCaseName))
                return true;
        return false;
    }

    public void Dispose()
    {
        foreach (var pending in _pending ?? [])
            pending.Body?.Dispose();
    }

    /// <summary>One signature being verified: its field, parsed tags and body hash, or why it could not be parsed.</summary>
    private sealed record Pending(int FieldIndex, DkimSignature? Signature, BodyHasher? Body, string Domain, string Selector, string? Error)
    {
        public static Pending For(int field, string value)
        {
            var (signature, error) = DkimSignature.Parse(value);
            if (signature is null)
            {
                var tags = TagList.Parse(value);
                return new Pending(field, null, null, tags?.GetValueOrDefault("d") ?? "", tags?.GetValueOrDefault("s") ?? "", error);
            }
            if (signature.Algorithm == DkimSignatureAlgorithm.RsaSha1)
                return new Pending(field, null, null, signature.Domain, signature.Selector, "rsa-sha1 is not accepted (RFC 8301 §3.1)");
            return new Pending(field, signature, new BodyHasher(signature.Algorithm, signature.BodyCanonicalization, signature.BodyLength),
                signature.Domain, signature.Selector, null);
        }
    }
}

using ActorSmtp.Dns;
using ActorSmtp.Sinks;
using MimeKit;

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
    private MimeMessage? _headers; // parsed once, when the block has a DKIM-Signature

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
        if (_pending is not { Count: > 0 } pending || _headers is not { } headers)
            return [];
        var checks = new DkimCheck[pending.Count];
        for (var i = 0; i < pending.Count; i++)
            checks[i] = await VerifyAsync(pending[i], headers, ct).ConfigureAwait(false);
        return checks;
    }

    private async ValueTask<DkimCheck> VerifyAsync(Pending pending, MimeMessage headers, CancellationToken ct)
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
        if (!Verified(headers, pending.Field!, signature, key.Key))
            return Result(DkimResult.Fail, "signature did not verify");
        // §8.2: content after l= is unsigned; a signature that covers only part of the body is not a pass here.
        return signature.BodyLength >= 0 && signature.BodyLength < body.CanonicalLength
            ? Result(DkimResult.Policy, $"l={signature.BodyLength} signs {signature.BodyLength} of {body.CanonicalLength} body octets")
            : Result(DkimResult.Pass, null);
    }

    private static bool Verified(MimeMessage headers, Header field, DkimSignature signature, Org.BouncyCastle.Crypto.AsymmetricKeyParameter key)
    {
        try
        {
            return Verifier.Verify(headers, field, signature, key);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false; // a key of the wrong type or size for a=, a b= that is not base64: no valid signature
        }
    }

    private static readonly HeaderSignature Verifier = new();

    private List<Pending> FindSignatures(ReadOnlyMemory<byte> headerBlock, bool inBody)
    {
        var pending = new List<Pending>();
        if (!Contains(headerBlock.Span, "dkim-signature:"u8))
            return pending; // most mail: no MimeKit parse at all
        _headers = LoadHeaders(headerBlock, inBody);
        foreach (var field in _headers.Headers)
        {
            if (field.Id != HeaderId.DkimSignature || pending.Count == MaxSignatures)
                continue;
            pending.Add(Pending.For(field));
        }
        return pending;
    }

    private static MimeMessage LoadHeaders(ReadOnlyMemory<byte> headerBlock, bool inBody)
    {
        var block = inBody ? headerBlock : Terminated(headerBlock);
        using var stream = new MemoryStream(block.ToArray(), writable: false);
        return MimeMessage.Load(stream);
    }

    /// <summary>A header block that the message ended in, completed with the empty line MimeKit expects.</summary>
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

    /// <summary>One signature being verified: its parsed tags and body hash, or why it could not be parsed.</summary>
    private sealed record Pending(Header? Field, DkimSignature? Signature, BodyHasher? Body, string Domain, string Selector, string? Error)
    {
        public static Pending For(Header field)
        {
            var (signature, error) = DkimSignature.Parse(field.Value);
            if (signature is null)
            {
                var tags = TagList.Parse(field.Value);
                return new Pending(null, null, null, tags?.GetValueOrDefault("d") ?? "", tags?.GetValueOrDefault("s") ?? "", error);
            }
            if (!Verifier.Allows(signature.Algorithm))
                return new Pending(null, null, null, signature.Domain, signature.Selector, $"algorithm {signature.AlgorithmName} is not accepted (RFC 8301)");
            return new Pending(field, signature, new BodyHasher(signature.Algorithm, signature.BodyCanonicalization, signature.BodyLength), signature.Domain, signature.Selector, null);
        }
    }
}

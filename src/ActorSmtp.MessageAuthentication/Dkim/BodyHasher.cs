using System.Security.Cryptography;
using MimeKit.Cryptography;

namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>
/// The body hash of one signature (RFC 6376 §3.7), computed as the body streams by: the canonicalization of
/// §3.4.3 (simple) or §3.4.4 (relaxed) one byte at a time, so a 100 MB body costs a few KB. Empty lines at the end
/// are held back as a count until content follows them (both forms ignore them); relaxed holds back a run of WSP
/// the same way (a single SP if content follows on the line, nothing at its end).
/// </summary>
internal sealed class BodyHasher : IDisposable
{
    private readonly IncrementalHash _hash;
    private readonly bool _relaxed;
    private readonly long _limit;
    private readonly byte[] _out = new byte[4096];
    private int _outLength;
    private long _hashed;
    private long _pendingEmptyLines;
    private bool _pendingCr;
    private bool _pendingSpace;
    private bool _lineHasContent;

    public BodyHasher(DkimSignatureAlgorithm algorithm, DkimCanonicalizationAlgorithm canonicalization, long limit)
    {
        _hash = IncrementalHash.CreateHash(algorithm == DkimSignatureAlgorithm.RsaSha1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256);
        _relaxed = canonicalization == DkimCanonicalizationAlgorithm.Relaxed;
        _limit = limit < 0 ? long.MaxValue : limit;
    }

    /// <summary>How many canonical body bytes there were in all (l= may sign fewer).</summary>
    public long CanonicalLength { get; private set; }

    public void Append(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                if (b == (byte)'\n')
                {
                    EndLine();
                    continue;
                }
                Content((byte)'\r'); // a lone CR is content
            }
            if (b == (byte)'\r')
                _pendingCr = true;
            else if (_relaxed && b is (byte)' ' or (byte)'\t')
                _pendingSpace = true; // a run of WSP, leading ones too, is one SP if content follows
            else
                Content(b);
        }
    }

    /// <summary>The base64 hash of the canonical body, after the last byte.</summary>
    public string Complete()
    {
        if (_pendingCr)
        {
            _pendingCr = false;
            Content((byte)'\r');
        }
        if (_lineHasContent)
            EndLine(); // a body that does not end with CRLF gets one (§3.4.3, §3.4.4)
        if (CanonicalLength == 0 && !_relaxed)
            Write("\r\n"u8); // §3.4.3: an empty body is one CRLF in simple; nothing in relaxed
        Flush();
        return Convert.ToBase64String(_hash.GetHashAndReset());
    }

    private void Content(byte b)
    {
        if (_pendingEmptyLines > 0)
            WriteEmptyLines();
        if (_pendingSpace)
        {
            _pendingSpace = false;
            Write((byte)' ');
        }
        _lineHasContent = true;
        Write(b);
    }

    private void EndLine()
    {
        _pendingSpace = false; // §3.4.4: WSP at the end of a line is ignored
        if (_lineHasContent)
        {
            Write("\r\n"u8);
            _lineHasContent = false;
        }
        else
            _pendingEmptyLines++;
    }

    private void WriteEmptyLines()
    {
        for (; _pendingEmptyLines > 0; _pendingEmptyLines--)
            Write("\r\n"u8);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
            Write(b);
    }

    private void Write(byte b)
    {
        CanonicalLength++;
        if (_hashed >= _limit)
            return;
        _hashed++;
        _out[_outLength++] = b;
        if (_outLength == _out.Length)
            Flush();
    }

    private void Flush()
    {
        _hash.AppendData(_out, 0, _outLength);
        _outLength = 0;
    }

    public void Dispose() => _hash.Dispose();
}

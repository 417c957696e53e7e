namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>
/// Splits the message bytes as they stream by into the header block (kept, up to a cap: the signatures need it)
/// and the body (shown to each signature's <see cref="BodyHasher"/>, never kept). RFC 5322 §2.1: the header block
/// ends at the first empty line.
/// </summary>
internal sealed class SignedMessage(int maxHeaderBytes)
{
    private readonly MemoryStream _header = new();
    private int _matched = 2; // a virtual CR LF before the message: one that starts with CR LF has no headers

    /// <summary>The header block ended; what follows is body.</summary>
    public bool InBody { get; private set; }

    /// <summary>The header block outgrew the cap: the message is refused anyway (552 5.3.4), nothing is verified.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The header block including its last CRLF, and the empty line.</summary>
    public ReadOnlyMemory<byte> HeaderBlock => _header.GetBuffer().AsMemory(0, (int)_header.Length);

    /// <summary>Takes header bytes from the front of <paramref name="bytes"/>; returns the body part of it.</summary>
    public ReadOnlySpan<byte> Append(ReadOnlySpan<byte> bytes)
    {
        if (InBody || Overflowed)
            return InBody ? bytes : [];
        for (var i = 0; i < bytes.Length; i++)
        {
            _matched = Next(_matched, bytes[i]);
            if (_matched == 4)
            {
                Keep(bytes[..(i + 1)]);
                InBody = true;
                return bytes[(i + 1)..];
            }
        }
        Keep(bytes);
        return [];
    }

    /// <summary>How much of "\r\n\r\n" has just been seen after one more byte.</summary>
    private static int Next(int matched, byte b) => b switch
    {
        (byte)'\r' => matched == 2 ? 3 : 1,
        (byte)'\n' when matched is 1 or 3 => matched + 1,
        _ => 0,
    };

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_header.Length + bytes.Length > maxHeaderBytes)
        {
            Overflowed = true;
            _header.SetLength(0);
            return;
        }
        _header.Write(bytes);
    }
}

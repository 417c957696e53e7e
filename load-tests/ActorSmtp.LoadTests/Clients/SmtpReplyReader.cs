using System.Net.Sockets;
using System.Text;

namespace ActorSmtp.LoadTests.Clients;

/// Reads SMTP replies (RFC 5321 §4.2: "ddd-text" continuation lines, then "ddd text")
/// from a socket into one reused buffer. Returns the reply code only, so the hot path
/// allocates nothing; the text of the last reply stays readable until the next read.
internal sealed class SmtpReplyReader(Socket socket)
{
    // RFC 5321 §4.5.3.1.5 caps a reply line at 512 bytes; EHLO lists fit easily in 64 KiB.
    private const int MaxReplyBytes = 64 * 1024;

    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private int _replyStart;
    private int _replyEnd;

    public async ValueTask<int> ReadAsync(CancellationToken cancellation)
    {
        while (true)
        {
            if (TryTakeReply(out int code))
                return code;
            MakeRoom();
            int read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellation);
            if (read == 0)
                throw new IOException("the server closed the connection");
            _end += read;
        }
    }

    /// True when a line of the last reply starts with the keyword, e.g. an EHLO "250-PIPELINING".
    public bool LastReplyHasKeyword(ReadOnlySpan<byte> keyword)
    {
        ReadOnlySpan<byte> reply = _buffer.AsSpan(_replyStart, _replyEnd - _replyStart);
        foreach (var line in reply.Split((byte)'\n'))
        {
            var text = reply[line];
            if (text.Length >= 4 + keyword.Length && Ascii.EqualsIgnoreCase(text.Slice(4, keyword.Length), keyword))
                return true;
        }
        return false;
    }

    public string LastReplyText() =>
        Encoding.ASCII.GetString(_buffer, _replyStart, _replyEnd - _replyStart).TrimEnd();

    private bool TryTakeReply(out int code)
    {
        var unread = _buffer.AsSpan(0, _end);
        int lineStart = _start;
        while (true)
        {
            int newline = unread[lineStart..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                code = 0;
                return false;
            }
            int lineEnd = lineStart + newline + 1;
            bool continues = lineEnd - lineStart > 4 && unread[lineStart + 3] == (byte)'-';
            if (!continues)
            {
                code = ParseCode(unread.Slice(lineStart, Math.Min(3, lineEnd - lineStart)));
                (_replyStart, _replyEnd, _start) = (_start, lineEnd, lineEnd);
                return true;
            }
            lineStart = lineEnd;
        }
    }

    private void MakeRoom()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_end, _start, _replyStart, _replyEnd) = (_end - _start, 0, 0, 0);
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxReplyBytes)
                throw new IOException($"a reply longer than {MaxReplyBytes} bytes");
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }

    private static int ParseCode(ReadOnlySpan<byte> digits)
    {
        if (digits.Length != 3 || !char.IsAsciiDigit((char)digits[0]) || !char.IsAsciiDigit((char)digits[1])
            || !char.IsAsciiDigit((char)digits[2]))
            throw new IOException($"malformed reply line starting '{Encoding.ASCII.GetString(digits)}'");
        return (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
    }
}

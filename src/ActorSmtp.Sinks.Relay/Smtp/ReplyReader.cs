using System.Text;

namespace ActorSmtp.Sinks.Relay.Smtp;

/// <summary>Reads replies (RFC 5321 §4.2) from the upstream's stream through a small buffer of its own.</summary>
internal sealed class ReplyReader(Stream stream)
{
    // RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; servers send longer texts, so be generous but bounded.
    private const int MaxLine = 4096;
    private readonly byte[] _buffer = new byte[MaxLine];
    private int _start;
    private int _end;

    public Stream Stream { get; set; } = stream;

    /// <summary>True when bytes beyond the last reply were read: after STARTTLS that is an injection (RFC 3207 §4.2 note).</summary>
    public bool HasBuffered => _end > _start;

    public async Task<UpstreamReply> ReadAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var code = 0;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out var lineCode) || lineCode is < 200 or > 599
                || (line.Length > 3 && line[3] is not (' ' or '-')) || (code != 0 && lineCode != code))
                throw new UpstreamUnavailableException($"upstream sent a malformed reply line: {Printable(line)}");
            code = lineCode;
            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] == ' ')
                return new UpstreamReply(code, lines);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r')
                    length--;
                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }
            Compact();
            if (_end == _buffer.Length)
                throw new UpstreamUnavailableException($"upstream sent a reply line longer than {MaxLine} bytes");
            var read = await Stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                throw new UpstreamUnavailableException("upstream closed the connection");
            _end += read;
        }
    }

    private void Compact()
    {
        if (_start == 0)
            return;
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        _end -= _start;
        _start = 0;
    }

    private static string Printable(string line) => new(line.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

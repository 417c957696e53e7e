namespace ActorSmtp.Sinks.Relay.Smtp;

/// <summary>
/// DATA's transparency (RFC 5321 §4.5.2): a line that starts with "." gets one more, and the body ends with
/// CRLF "." CRLF. Works across chunk boundaries, so the body streams through it.
/// </summary>
internal sealed class DotStuffing(OutgoingBuffer output)
{
    private static readonly ReadOnlyMemory<byte> Dot = "."u8.ToArray();
    private static readonly ReadOnlyMemory<byte> LineEnd = "\r\n"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> EndOfData = ".\r\n"u8.ToArray();
    private bool _atLineStart = true; // DATA's 354 was the end of a line

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_atLineStart && bytes.Span[0] == '.')
                await output.PutAsync(Dot).ConfigureAwait(false);
            var newline = bytes.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? bytes : bytes[..(newline + 1)];
            await output.PutAsync(line).ConfigureAwait(false);
            _atLineStart = newline >= 0;
            bytes = bytes[line.Length..];
        }
    }

    /// <summary>The end-of-data mark, after a CRLF of our own if the body lacked its last one (RFC 5321 §4.1.1.4).</summary>
    public async ValueTask EndAsync()
    {
        if (!_atLineStart)
            await output.PutAsync(LineEnd).ConfigureAwait(false);
        await output.PutAsync(EndOfData).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }
}

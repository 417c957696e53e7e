using System.Net.Sockets;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Probes;

/// Connect, read the 220 greeting, EHLO and read its 250: the start every probe shares.
internal static class SmtpHandshake
{
    private static readonly byte[] Ehlo = "EHLO localhost\r\n"u8.ToArray();

    public static async Task<(Socket Socket, SmtpReplyReader Replies)> OpenAsync(LoopbackTarget target, CancellationToken cancellation)
    {
        var socket = new Socket(target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target.EndPoint, cancellation);
            var replies = new SmtpReplyReader(socket);
            await ExpectAsync(replies, 220, cancellation);
            await socket.SendAllAsync(Ehlo, cancellation);
            await ExpectAsync(replies, 250, cancellation);
            return (socket, replies);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task ExpectAsync(SmtpReplyReader replies, int expected, CancellationToken cancellation)
    {
        int code = await replies.ReadAsync(cancellation);
        if (code != expected)
            throw new SmtpReplyException(code, replies.LastReplyText());
    }
}

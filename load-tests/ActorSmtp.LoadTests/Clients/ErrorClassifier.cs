using System.Globalization;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace ActorSmtp.LoadTests.Clients;

/// Names a failed attempt for the error tally: the SMTP reply code when the server answered,
/// otherwise what went wrong on the way ("timeout", "connection-refused", "io", ...).
internal static class ErrorClassifier
{
    /// <param name="stopping">The run's hard stop had fired: a cancellation then means
    /// "cut off at the end", not a slow server.</param>
    public static string Classify(Exception error, bool stopping) => error switch
    {
        SmtpReplyException reply => reply.Code.ToString(CultureInfo.InvariantCulture),
        SmtpCommandException command => ((int)command.StatusCode).ToString(CultureInfo.InvariantCulture),
        OperationCanceledException when stopping => "stopped",
        OperationCanceledException or TimeoutException => "timeout",
        SocketException socket => SocketKind(socket),
        IOException { InnerException: SocketException socket } => SocketKind(socket),
        System.Security.Authentication.AuthenticationException or SslHandshakeException => "tls",
        SmtpProtocolException or ProtocolException => "protocol",
        NotSupportedException => "unsupported", // e.g. the bdat client against a server without CHUNKING
        IOException or ServiceNotConnectedException => "io",
        _ => error.GetType().Name,
    };

    private static string SocketKind(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection-refused",
        SocketError.ConnectionReset => "connection-reset",
        SocketError.TimedOut => "timeout",
        _ => "socket-" + socket.SocketErrorCode.ToString().ToLowerInvariant(),
    };
}

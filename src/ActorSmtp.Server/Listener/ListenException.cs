using System.Net;
using System.Net.Sockets;

namespace ActorSmtp.Server.Listener;

/// <summary>An endpoint could not be bound; the message is the line an operator needs: "cannot listen on 127.0.0.1:2525: address already in use".</summary>
public sealed class ListenException(IPEndPoint endPoint, SocketException inner)
    : IOException($"cannot listen on {endPoint}: {Reason(inner)}", inner)
{
    public IPEndPoint EndPoint { get; } = endPoint;

    private static string Reason(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AccessDenied => "permission denied (a port below 1024 needs root or CAP_NET_BIND_SERVICE)",
        SocketError.AddressNotAvailable => "no such address on this host",
        _ => ex.Message.Length > 0 ? char.ToLowerInvariant(ex.Message[0]) + ex.Message[1..] : ex.SocketErrorCode.ToString(),
    };
}

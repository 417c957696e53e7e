using System.Net;
using System.Net.Sockets;

namespace ActorSmtp.Server.Listener;

/// <summary>Messages of <see cref="SmtpListenerActor"/>.</summary>
public static class ListenerProtocol
{
    /// <summary>Bind every configured endpoint; answered with <see cref="Bound"/> or a failure.</summary>
    public sealed record Bind
    {
        public static readonly Bind Instance = new();
    }

    /// <summary>The endpoints actually bound (ephemeral ports resolved), in configuration order.</summary>
    public sealed record Bound(IReadOnlyList<IPEndPoint> EndPoints);

    /// <summary>Ask for the current connection count.</summary>
    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();
    }

    public sealed record Status(int ActiveConnections, IReadOnlyList<IPEndPoint> EndPoints);

    /// <summary>A client connected to the endpoint with this index (in configuration order).</summary>
    internal sealed record Accepted(Socket Socket, int Endpoint);

    internal sealed record Heartbeat
    {
        public static readonly Heartbeat Instance = new();
    }
}

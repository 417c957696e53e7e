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

    /// <summary>Stop accepting: close every listening socket (CoordinatedShutdown service-unbind); answered with <see cref="Unbound"/>.</summary>
    public sealed record Unbind
    {
        public static readonly Unbind Instance = new();
    }

    public sealed record Unbound
    {
        public static readonly Unbound Instance = new();
    }

    /// <summary>
    /// Close every session (CoordinatedShutdown service-requests-done): idle ones at once with 421 4.3.2,
    /// ones inside a transaction after it, all within <paramref name="Grace"/>; answered with <see cref="Drained"/>.
    /// </summary>
    public sealed record Drain(TimeSpan Grace);

    public sealed record Drained
    {
        public static readonly Drained Instance = new();
    }

    /// <summary>
    /// End the shutdown grace now (a second SIGINT): sessions still in a transaction get 421 4.3.2 as when the
    /// grace runs out. Sent before the drain starts, it makes the drain's grace zero.
    /// </summary>
    public sealed record CutGrace
    {
        public static readonly CutGrace Instance = new();
    }

    internal sealed record DrainGraceOver
    {
        public static readonly DrainGraceOver Instance = new();
    }

    /// <summary>The sessions told the grace was over had their time to write the 421: whatever is left is cut.</summary>
    internal sealed record DrainCut
    {
        public static readonly DrainCut Instance = new();
    }

    /// <summary>A client connected to the endpoint with this index (in configuration order).</summary>
    internal sealed record Accepted(Socket Socket, int Endpoint);

    /// <summary>An accept loop refused a connection because the process was out of file descriptors (EMFILE).</summary>
    internal sealed record DescriptorsExhausted
    {
        public static readonly DescriptorsExhausted Instance = new();
    }

    internal sealed record Heartbeat
    {
        public static readonly Heartbeat Instance = new();
    }
}

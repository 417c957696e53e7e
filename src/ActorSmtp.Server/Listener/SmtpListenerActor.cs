using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Connection;
using ActorSmtp.Server.Tls;
using ActorSmtp.Server.Transport;

namespace ActorSmtp.Server.Listener;

/// <summary>
/// Binds the configured endpoints, accepts clients and spawns one <see cref="SmtpConnectionActor"/>
/// per client. It supervises them with a stopping strategy (a socket cannot be restarted: a failed
/// connection is closed), enforces <c>max-connections</c> with 421 4.7.0, and runs the one heartbeat
/// that checks every connection's deadline each second, instead of a timer per connection.
/// </summary>
internal sealed class SmtpListenerActor : UntypedActor, IWithTimers
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<EndpointSettings> _endpoints;
    private readonly int _maxConnections;
    private readonly HostReplies _replies;
    private readonly Props[] _connectionProps; // one per endpoint: their TLS and policy differ
    private readonly Dictionary<IActorRef, SocketTransport> _connections = [];
    private readonly List<Socket> _listeners = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <param name="tls">The certificates when an endpoint uses TLS (see <see cref="EndpointTls"/>).</param>
    /// <param name="authenticator">The authenticator when an endpoint offers AUTH.</param>
    public SmtpListenerActor(ActorSmtpSettings settings, IActorRef sink, CertificateStore? tls = null, IActorRef? authenticator = null)
    {
        _endpoints = settings.Endpoints;
        _maxConnections = settings.MaxConnections;
        _replies = new HostReplies(settings.Hostname);
        var upgrade = tls is null ? null : new TlsUpgrade(tls, settings.Tls.HandshakeTimeout);
        _connectionProps = settings.Endpoints.Select(endpoint =>
        {
            var connection = new ConnectionSettings(
                settings.SessionOptions(endpoint), settings.CommandTimeout, settings.DataTimeout, settings.SinkResponseDeadline, sink,
                endpoint.Tls == EndpointTls.None ? null : upgrade, endpoint.Tls == EndpointTls.Implicit,
                authenticator, settings.Auth.FailureDelay);
            return Props.CreateBy(new ConnectionActorProducer(connection))
                .WithMailbox(ConnectionMailbox.ConfigPath)
                .WithDispatcher(CallingThreadDispatcher.ConfigPath);
        }).ToArray();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ListenerProtocol.Accepted accepted:
                OnAccepted(accepted.Socket, accepted.Endpoint);
                break;
            case ListenerProtocol.Heartbeat:
                CheckDeadlines();
                break;
            case Terminated terminated:
                _connections.Remove(terminated.ActorRef);
                break;
            case ListenerProtocol.Bind:
                BindAll();
                break;
            case ListenerProtocol.GetStatus:
                Sender.Tell(new ListenerProtocol.Status(_connections.Count, BoundEndPoints()));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        foreach (var listener in _listeners)
            listener.Dispose();
    }

    private void BindAll()
    {
        try
        {
            foreach (var endpoint in _endpoints)
                _listeners.Add(Listen(endpoint));
        }
        catch (SocketException ex)
        {
            Sender.Tell(new Status.Failure(ex));
            Context.Stop(Self);
            return;
        }
        for (var i = 0; i < _listeners.Count; i++)
        {
            _log.Info("listening on {0}", _listeners[i].LocalEndPoint);
            _ = AcceptLoopAsync(_listeners[i], i, Self);
        }
        Timers.StartPeriodicTimer("heartbeat", ListenerProtocol.Heartbeat.Instance, HeartbeatInterval);
        Sender.Tell(new ListenerProtocol.Bound(BoundEndPoints()));
    }

    private IReadOnlyList<IPEndPoint> BoundEndPoints() => _listeners.Select(l => (IPEndPoint)l.LocalEndPoint!).ToArray();

    private static Socket Listen(EndpointSettings endpoint)
    {
        var socket = new Socket(endpoint.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint.EndPoint);
            socket.Listen(endpoint.Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task AcceptLoopAsync(Socket listener, int endpoint, IActorRef self)
    {
        while (true)
        {
            try
            {
                self.Tell(new ListenerProtocol.Accepted(await listener.AcceptAsync().ConfigureAwait(false), endpoint));
            }
            catch (ObjectDisposedException)
            {
                return; // unbound
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return;
            }
            catch (SocketException)
            {
                // Out of file descriptors and the like: back off briefly instead of spinning.
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
    }

    private void OnAccepted(Socket socket, int endpoint)
    {
        if (_connections.Count >= _maxConnections)
        {
            Refuse(socket);
            return;
        }
        SocketTransport transport;
        try
        {
            transport = new SocketTransport(socket);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            socket.Dispose(); // the client left before we got to it
            return;
        }
        var connection = Context.ActorOf(_connectionProps[endpoint]);
        Context.Watch(connection);
        _connections.Add(connection, transport);
        connection.Tell(new ConnectionProtocol.Start(transport));
    }

    /// <summary>RFC 5321 §3.1: a server may refuse a connection with 421 instead of the greeting.</summary>
    private void Refuse(Socket socket)
    {
        _log.Warning("Refusing {0}: max-connections ({1}) reached", socket.RemoteEndPoint, _maxConnections);
        Telemetry.SmtpMetrics.ConnectionRefused("max-connections");
        try
        {
            socket.Blocking = false;
            socket.Send(_replies.TooManyConnections.Bytes.Span, SocketFlags.None, out _);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        socket.Dispose();
    }

    private void CheckDeadlines()
    {
        var now = Environment.TickCount64;
        foreach (var (connection, transport) in _connections)
            if (transport.Deadline <= now)
                connection.Tell(ConnectionProtocol.DeadlineExpired.Instance);
    }
}

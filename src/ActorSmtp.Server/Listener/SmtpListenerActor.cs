using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Connection;
using ActorSmtp.Server.Dispatch;
using ActorSmtp.Server.Transport;

namespace ActorSmtp.Server.Listener;

/// <summary>
/// Binds the configured endpoints, accepts clients and spawns one <see cref="SmtpConnectionActor"/>
/// per client. It supervises them with a stopping strategy (a socket cannot be restarted: a failed
/// connection is closed), enforces <c>max-connections</c> and the per-client limits (its
/// <see cref="ClientTable"/>) with 421 4.7.0, and the open-file limit with 421 4.3.2 (its
/// <see cref="DescriptorBudget"/>, SmtpListenerActor.Descriptors.cs), and runs the one heartbeat that checks every
/// connection's deadline each second, instead of a timer per connection. At shutdown it unbinds, then
/// drains its connections (see SmtpListenerActor.Shutdown.cs).
/// </summary>
internal sealed partial class SmtpListenerActor : UntypedActor, IWithTimers
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<EndpointSettings> _endpoints;
    private readonly int _maxConnections;
    private readonly HostReplies _replies;
    private readonly Props[] _connectionProps; // one per endpoint: their TLS and policy differ
    private readonly Dictionary<IActorRef, Tracked> _connections = [];
    private readonly ProtectionSettings _protection;
    private readonly ClientTable _clients;
    private readonly DescriptorBudget _descriptors;
    private readonly List<Socket> _listeners = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <param name="connections">Each endpoint's connection settings, in configuration order (<see cref="ConnectionSettings.ForEndpoints"/>).</param>
    /// <param name="clusterCounters">On a cluster node: per-client limits count across the cluster.</param>
    public SmtpListenerActor(
        ActorSmtpSettings settings, IReadOnlyList<ConnectionSettings> connections, ISharedClientCounters? clusterCounters = null)
    {
        _endpoints = settings.Endpoints;
        _maxConnections = settings.MaxConnections;
        _protection = settings.Protection;
        _clients = new ClientTable(settings.Protection, cluster: clusterCounters);
        _replies = new HostReplies(settings.Hostname);
        _descriptors = MeasureDescriptors(settings.MaxConnections);
        _connectionProps = connections.Select(connection => Props.CreateBy(new ConnectionActorProducer(connection))
            .WithMailbox(ConnectionMailbox.ConfigPath)
            .WithDispatcher(CallingThreadDispatcher.ConfigPath)).ToArray();
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
            case ListenerProtocol.DescriptorsExhausted:
                OnDescriptorsExhausted();
                break;
            case Terminated terminated:
                OnTerminated(terminated.ActorRef);
                break;
            case ConnectionProtocol.ClientIdentified identified:
                OnClientIdentified(Sender, identified.Address);
                break;
            case ListenerProtocol.Unbind:
                Unbind();
                break;
            case ListenerProtocol.Drain drain:
                StartDrain(drain.Grace);
                break;
            case ListenerProtocol.DrainGraceOver:
                EndGrace();
                break;
            case ListenerProtocol.CutGrace:
                CutGrace();
                break;
            case ListenerProtocol.DrainCut:
                Cut();
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
        var binding = _endpoints.Count > 0 ? _endpoints[0] : null;
        try
        {
            foreach (var endpoint in _endpoints)
                _listeners.Add(Listen(binding = endpoint));
        }
        catch (SocketException ex)
        {
            Sender.Tell(new Status.Failure(new ListenException(binding!.EndPoint, ex)));
            Context.Stop(Self);
            return;
        }
        BoundEndPoints();
        for (var i = 0; i < _listeners.Count; i++)
        {
            _log.Info("listening on {0}", _listeners[i].LocalEndPoint);
            _ = AcceptLoopAsync(_listeners[i], i, Self, _endpoints[i].Tls == EndpointTls.Implicit ? null : _replies.ResourcesExhausted);
        }
        Timers.StartPeriodicTimer("heartbeat", ListenerProtocol.Heartbeat.Instance, HeartbeatInterval);
        Sender.Tell(new ListenerProtocol.Bound(BoundEndPoints()));
    }

    // Kept from bind time: after unbinding, the sockets no longer know.
    private IReadOnlyList<IPEndPoint> BoundEndPoints() => _boundEndPoints ??= _listeners.Select(l => (IPEndPoint)l.LocalEndPoint!).ToArray();

    private IReadOnlyList<IPEndPoint>? _boundEndPoints;

    private static Socket Listen(EndpointSettings endpoint)
    {
        var socket = new Socket(endpoint.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            // No ReuseAddress: on Linux .NET turns it into SO_REUSEPORT as well, and then a second server (or a
            // forgotten one) binds the same port and silently takes half the connections. The runtime sets
            // SO_REUSEADDR on Unix TCP sockets by itself, so a restart is not held up by TIME_WAIT.
            if (OperatingSystem.IsWindows())
                socket.ExclusiveAddressUse = true; // Windows' equivalent protection against another bind
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

    private void OnAccepted(Socket socket, int endpoint)
    {
        if (_unbound)
        {
            Refuse(socket, endpoint, _replies.ShuttingDown, "shutting-down", "shutting down");
            return;
        }
        if (_connections.Count >= _maxConnections)
        {
            Refuse(socket, endpoint, _replies.TooManyConnections, "max-connections", $"max-connections ({_maxConnections}) reached");
            return;
        }
        if (_connections.Count >= _descriptors.ConnectionsThatFit)
        {
            Refuse(socket, endpoint, _replies.ResourcesExhausted, "open-files",
                $"the open-file limit ({_descriptors.Limit}) leaves room for {_descriptors.ConnectionsThatFit} connections");
            return;
        }
        if (PeerOf(socket) is not { } peer)
        {
            socket.Dispose(); // the client left before we got to it
            return;
        }
        ClientEntry? client = null;
        if (_endpoints[endpoint].ProxyProtocol is null)
        {
            // Without a PROXY header the peer is the client: its limits apply now, before any byte is read.
            var admission = _clients.Admit(peer.Address, Environment.TickCount64, out client);
            if (admission != Admission.Admitted)
            {
                Refuse(socket, endpoint, RefusalFor(admission), ReasonFor(admission), $"{admission} ({peer.Address})");
                return;
            }
        }
        else if (!_protection.IsTrustedProxy(peer.Address))
        {
            _log.Warning("Closing {0}: not in trusted-proxies, but the endpoint expects a PROXY header", peer);
            socket.Dispose();
            return;
        }
        SocketTransport transport;
        try
        {
            transport = new SocketTransport(socket);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            if (client is not null)
                _clients.Release(client, Environment.TickCount64);
            socket.Dispose(); // the client left before we got to it
            return;
        }
        var connection = Context.ActorOf(_connectionProps[endpoint]);
        Context.Watch(connection);
        _connections.Add(connection, new Tracked(transport, client));
        connection.Tell(new ConnectionProtocol.Start(transport, client));
    }

    /// <summary>The client's endpoint, or null when it is already gone (a reset before we got to it).</summary>
    private static IPEndPoint? PeerOf(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint as IPEndPoint;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    private void OnTerminated(IActorRef connection)
    {
        if (_connections.Remove(connection, out var tracked) && tracked.Client is { } client)
            _clients.Release(client, Environment.TickCount64);
        if (_connections.Count == 0)
            DrainCompleted();
    }

    /// <summary>
    /// RFC 5321 §3.1: a server may refuse a connection with 421 instead of the greeting. On an implicit-TLS
    /// endpoint the client's first bytes are a TLS handshake and it could not read a plaintext reply, so
    /// there the connection is only closed.
    /// </summary>
    /// <param name="reason">The refusal's tag on the connections-refused metric.</param>
    private void Refuse(Socket socket, int endpoint, SmtpReply reply, string reason, string why)
    {
        _log.Warning("Refusing {0}: {1}", PeerOf(socket), why);
        Telemetry.SmtpMetrics.ConnectionRefused(reason);
        AnswerAndClose(socket, _endpoints[endpoint].Tls != EndpointTls.Implicit ? reply : null);
    }

    private void CheckDeadlines()
    {
        var now = Environment.TickCount64;
        foreach (var (connection, tracked) in _connections)
            if (tracked.Transport.Deadline <= now)
                connection.Tell(ConnectionProtocol.DeadlineExpired.Instance);
        _clients.Sweep(now);
    }
}

using System.Net;
using Akka.Actor;
using Akka.Event;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Server.Connection;
using ActorSmtp.Server.Transport;

namespace ActorSmtp.Server.Listener;

/// <summary>Per-client admission for connections whose client a PROXY header named, and the refusal texts.</summary>
internal sealed partial class SmtpListenerActor
{
    /// <summary>A PROXY header named the client: count it against its limits now, or refuse it.</summary>
    private void OnClientIdentified(IActorRef connection, IPAddress address)
    {
        if (!_connections.TryGetValue(connection, out var tracked) || tracked.Client is not null)
            return;
        var admission = _clients.Admit(address, Environment.TickCount64, out var client);
        if (admission != Admission.Admitted)
        {
            _log.Warning("Refusing proxied client {0}: {1}", address, admission);
            Telemetry.SmtpMetrics.ConnectionRefused(ReasonFor(admission));
            connection.Tell(new ConnectionProtocol.Refused(RefusalFor(admission)));
            return;
        }
        tracked.Client = client;
        connection.Tell(new ConnectionProtocol.Admitted(client));
    }

    private SmtpReply RefusalFor(Admission admission) => admission switch
    {
        Admission.TooFast => _replies.ConnectionRateExceeded,
        Admission.TooManyClients => _replies.TooManyConnections,
        _ => _replies.TooManyClientConnections,
    };

    private static string ReasonFor(Admission admission) => admission switch
    {
        Admission.TooFast => "connection-rate-per-client",
        Admission.TooManyClients => "client-table-full",
        _ => "max-connections-per-client",
    };

    /// <summary>A connection's socket and, once admitted under per-client limits, its client's entry.</summary>
    private sealed class Tracked(SocketTransport transport, ClientEntry? client)
    {
        public SocketTransport Transport { get; } = transport;
        public ClientEntry? Client { get; set; } = client;
    }
}

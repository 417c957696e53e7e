using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;

namespace ActorSmtp.Server.Listener;

/// <summary>The accept loops, and the open-file limit: measured at start, enforced at accept, survived at EMFILE.</summary>
internal sealed partial class SmtpListenerActor
{
    /// <summary>Raises the soft open-file limit to the hard one and warns when max-connections still does not fit.</summary>
    private DescriptorBudget MeasureDescriptors(int maxConnections)
    {
        var budget = DescriptorBudget.ForThisProcess(maxConnections, out var raised);
        if (raised is not null)
            _log.Info(raised);
        if (!budget.Suffices)
            _log.Warning(budget.Shortfall);
        return budget;
    }

    private void OnDescriptorsExhausted()
    {
        _log.Warning("Refused a connection with 421 4.3.2: the process ran out of file descriptors (EMFILE) at {0} connections", _connections.Count);
        Telemetry.SmtpMetrics.ConnectionRefused("open-files");
    }

    /// <param name="refusal">What a connection refused for want of descriptors is told; null (implicit TLS): nothing, it is closed.</param>
    private static async Task AcceptLoopAsync(Socket listener, int endpoint, IActorRef self, Protocol.Replies.SmtpReply? refusal)
    {
        using var spare = new SpareDescriptor();
        var refuseNext = false;
        while (true)
        {
            try
            {
                var socket = await listener.AcceptAsync().ConfigureAwait(false);
                if (!refuseNext)
                {
                    self.Tell(new ListenerProtocol.Accepted(socket, endpoint));
                    continue;
                }
                refuseNext = false;
                AnswerAndClose(socket, refusal);
                spare.Restore();
                self.Tell(ListenerProtocol.DescriptorsExhausted.Instance);
            }
            catch (ObjectDisposedException)
            {
                return; // unbound
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TooManyOpenSockets && spare.TryRelease())
            {
                refuseNext = true; // the freed descriptor takes the waiting connection, which is answered and closed
            }
            catch (SocketException)
            {
                // Still out of descriptors (or the like): back off briefly instead of spinning.
                await Task.Delay(50).ConfigureAwait(false);
                spare.Restore();
            }
        }
    }

    /// <summary>A refused connection's end: the reply (none on implicit TLS, where it could not be read), then the close; never blocks.</summary>
    private static void AnswerAndClose(Socket socket, Protocol.Replies.SmtpReply? refusal)
    {
        try
        {
            socket.Blocking = false;
            if (refusal is not null)
                socket.Send(refusal.Bytes.Span, SocketFlags.None, out _);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        socket.Dispose();
    }
}

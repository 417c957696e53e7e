using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using ActorSmtp.Server.Listener;
using Microsoft.Extensions.Hosting;

namespace ActorSmtp.Host;

/// <summary>
/// Who handles SIGINT and SIGTERM. The first of either is the generic host's (ConsoleLifetime): it stops the
/// host, which runs CoordinatedShutdown and so the drain within <c>shutdown-grace</c>, and the process exits 0.
/// A SIGINT after that is an operator who pressed Ctrl-C again and does not want to wait: the grace ends at
/// once (sessions still in a transaction get 421 4.3.2, as when it runs out) and the shutdown goes on in order,
/// so whatever got a 250 is stored, and the exit code is still 0.
/// </summary>
internal sealed class ShutdownSignals(ActorRegistry registry) : IHostedService, IDisposable
{
    /// <summary>
    /// Akka's own termination-signal hook runs the whole CoordinatedShutdown inside the signal handler, which
    /// holds back every other handler of that signal until it is over (measured: a second SIGINT reached this
    /// class before the first did). The host stops Akka through Akka.Hosting instead.
    /// </summary>
    public static readonly Config AkkaConfig =
        ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off");

    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the process stays up until the shutdown is done (the default would end it now)
        var earlier = Interlocked.Increment(ref _signals) - 1;
        if (context.Signal == PosixSignal.SIGINT && earlier > 0 && registry.TryGet<SmtpListenerActor>(out var listener))
            listener.Tell(ListenerProtocol.CutGrace.Instance, ActorRefs.NoSender);
    }
}

using Akka.Actor;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Sinks;

/// <summary>
/// Sends each message to the sinks its recipients route to (or, as a <c>fan-out</c> sink, to all its members).
/// One destination: the message is forwarded as it is and the sink answers the connection directly.
/// Several: a <see cref="FanOutStore"/> stores a copy in each and answers 250 only when all of them stored it.
/// </summary>
internal sealed class SinkRouter(
    Func<IReadOnlyList<string>, IReadOnlyList<SinkShare>> split,
    IReadOnlyDictionary<string, IActorRef> sinks,
    TimeSpan deadline) : UntypedActor
{
    /// <summary>A router for <c>routes</c>: recipients split by <paramref name="routes"/>.</summary>
    public static Props ForRoutes(RecipientRoutes routes, IReadOnlyDictionary<string, IActorRef> sinks, TimeSpan deadline) =>
        Props.Create(() => new SinkRouter(routes.Split, sinks, deadline));

    /// <summary>A <c>fan-out</c> sink: every message, with all its recipients, to each of <paramref name="members"/>.</summary>
    public static Props ForFanOut(IReadOnlyList<string> members, IReadOnlyDictionary<string, IActorRef> sinks, TimeSpan deadline) =>
        Props.Create(() => new SinkRouter(recipients => Everyone(members, recipients), sinks, deadline));

    private static IReadOnlyList<SinkShare> Everyone(IReadOnlyList<string> members, IReadOnlyList<string> recipients) =>
        members.Select(m => new SinkShare(m, [.. recipients])).ToArray();

    protected override void OnReceive(object message)
    {
        if (message is not SinkProtocol.Store store)
        {
            Unhandled(message);
            return;
        }
        var shares = split(store.Envelope.RcptTo);
        if (shares.Count == 1)
        {
            sinks[shares[0].Sink].Forward(store);
            return;
        }
        var destinations = shares.Select(s => new FanOutStore.Destination(sinks[s.Sink], s.Recipients)).ToArray();
        Context.ActorOf(Props.Create(() => new FanOutStore(store, destinations, Sender, deadline)));
    }
}

using System.Collections;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.Faults;

/// <summary>
/// The faults injected on the way to one message, as its envelope holds them. A long message goes to the sink (with its
/// envelope) as soon as its header block is in, before a fault in its body may strike; the connection adds that fault
/// here, and the sink, which writes the envelope only after the body has ended, reads it too. Copy-on-write: a reader
/// always sees a whole array.
/// </summary>
internal sealed class InjectedFaults : IReadOnlyList<InjectedFault>
{
    private InjectedFault[] _items = [];

    public int Count => Volatile.Read(ref _items).Length;

    public InjectedFault this[int index] => Volatile.Read(ref _items)[index];

    /// <summary>Only the message's connection adds, one at a time.</summary>
    public void Add(InjectedFault fault) => Volatile.Write(ref _items, [.. _items, fault]);

    public IEnumerator<InjectedFault> GetEnumerator() => ((IEnumerable<InjectedFault>)Volatile.Read(ref _items)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

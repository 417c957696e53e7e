using System.Collections;
using ActorSmtp.Protocol.Addresses;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// The first <paramref name="count"/> accepted recipients of a transaction as text, for a policy check, without copying
/// them: a check per RCPT that copied the list would cost O(n²) over a transaction of n recipients. Safe to read from
/// the policy's thread: a <see cref="ActorSmtp.Protocol.Session.MailTransaction"/> only ever appends (a list that grows
/// keeps every earlier element in place), and the next transaction has a list of its own.
/// </summary>
internal sealed class RecipientTexts(IReadOnlyList<Mailbox> recipients, int count) : IReadOnlyList<string>
{
    public static readonly RecipientTexts None = new([], 0);

    public int Count => count;

    public string this[int index] =>
        (uint)index < (uint)count ? recipients[index].ToString() : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < count; i++)
            yield return recipients[i].ToString();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

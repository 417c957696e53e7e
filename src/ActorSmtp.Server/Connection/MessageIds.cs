using System.Security.Cryptography;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// Message ids: 26 characters of Crockford base32 (safe as file names, sortable by arrival). The first 10
/// encode the millisecond timestamp, the next 8 a random number drawn once per process (40 bits), the
/// last 8 a per-process counter (40 bits): unique within a process by construction, and across processes
/// and restarts because two processes would need the same millisecond and the same 40 random bits.
/// </summary>
internal static class MessageIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly long ProcessRandom = BitConverter.ToInt64([.. RandomNumberGenerator.GetBytes(5), 0, 0, 0]);
    private static long _counter;

    public static string Next() => Next(DateTimeOffset.UtcNow);

    public static string Next(DateTimeOffset at)
    {
        var sequence = Interlocked.Increment(ref _counter);
        return string.Create(26, (at.ToUnixTimeMilliseconds(), sequence), static (chars, state) =>
        {
            Encode(chars[..10], state.Item1);
            Encode(chars.Slice(10, 8), ProcessRandom);
            Encode(chars[18..], state.Item2);
        });
    }

    /// <summary>Writes the low 5 × length bits of <paramref name="value"/>, most significant first.</summary>
    private static void Encode(Span<char> chars, long value)
    {
        for (var i = chars.Length - 1; i >= 0; i--, value >>= 5)
            chars[i] = Alphabet[(int)(value & 31)];
    }
}

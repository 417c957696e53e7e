using System.Security.Cryptography;

namespace ActorSmtp.Server.Connection;

/// <summary>
/// Message ids: 26 characters of Crockford base32, the first 10 a millisecond timestamp so ids sort
/// by arrival, the other 16 random (80 bits) so nodes and restarts never collide. Safe as file names.
/// </summary>
internal static class MessageIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string Next() => Next(DateTimeOffset.UtcNow);

    public static string Next(DateTimeOffset at)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        return string.Create(26, (at.ToUnixTimeMilliseconds(), random.ToArray()), static (chars, state) =>
        {
            var (time, bytes) = state;
            for (var i = 9; i >= 0; i--, time >>= 5)
                chars[i] = Alphabet[(int)(time & 31)];
            var bits = 0;
            var value = 0;
            var c = 10;
            foreach (var b in bytes)
            {
                value = (value << 8) | b;
                bits += 8;
                while (bits >= 5)
                {
                    bits -= 5;
                    chars[c++] = Alphabet[(value >> bits) & 31];
                }
            }
        });
    }
}

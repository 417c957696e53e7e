using System.Diagnostics;
using System.Text;
using ActorSmtp.Fuzzing;
using Xunit;

namespace ActorSmtp.Protocol.Tests.Fuzzing;

/// <summary>
/// The short fuzz run that is part of every test run: the checked-in seed corpus through every target, then a
/// seeded mutation loop (bit flips, interesting octets and tokens, splices, truncations, long runs) for a
/// bounded number of inputs. The long run is AFL++ (tests/ActorSmtp.Fuzzing/fuzz.sh).
/// </summary>
public sealed class FuzzSmokeTests
{
    private const int MaxInputs = 20_000;
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(8);

    private static readonly string CorpusRoot = Path.Combine(AppContext.BaseDirectory, "corpus");

    public static TheoryData<string> Targets => [.. FuzzTargets.All.Keys];

    private static byte[][] Corpus(string target) =>
        [.. Directory.GetFiles(Path.Combine(CorpusRoot, target)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void The_seed_corpus_replays_cleanly(string target)
    {
        var corpus = Corpus(target);
        Assert.True(corpus.Length >= 5, $"the {target} corpus has {corpus.Length} files");
        foreach (var input in corpus)
            FuzzTargets.All[target](input);
    }

    [Fact]
    public void Seeded_mutations_of_the_corpus_break_no_invariant()
    {
        var targets = FuzzTargets.All.Keys.Order(StringComparer.Ordinal).ToArray();
        var corpora = targets.ToDictionary(t => t, Corpus);
        var pool = corpora.Values.SelectMany(c => c).ToArray();
        var random = new Random(20_251_128);
        var clock = Stopwatch.StartNew();
        var runs = 0;
        for (; runs < MaxInputs && clock.Elapsed < MaxTime; runs++)
        {
            var target = targets[runs % targets.Length];
            var seeds = corpora[target];
            var input = Mutator.Mutate(random, seeds[random.Next(seeds.Length)], pool);
            try
            {
                FuzzTargets.All[target](input);
            }
            catch (Exception e)
            {
                Assert.Fail($"{target} failed on input #{runs} (base64 {Convert.ToBase64String(input)}): {e}");
            }
        }
        Assert.True(runs >= 1000, $"only {runs} inputs in {MaxTime}");
    }
}

/// <summary>AFL-style havoc on a seed: a few stacked mutations per input.</summary>
internal static class Mutator
{
    private static readonly byte[] InterestingOctets = [(byte)'\r', (byte)'\n', (byte)'.', 0, (byte)' ', (byte)':', 0xFF, 0x7F, (byte)'P', 0x21, 0x11, 0x20];

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\r\n", "\n", "\r", ".\r\n", "\r\n.\r\n", "\n.\n", "DATA\r\n", "AUTH PLAIN\r\n", "AUTH LOGIN\r\n", "STARTTLS\r\n",
            "EHLO c\r\n", "MAIL FROM:<a@b.test>\r\n", "RCPT TO:<r@x.test>\r\n", "GET / HTTP/1.1\r\n", "Host: x\r\n", "QUIT\r\n",
            "PROXY TCP4 ", "PROXY TCP6 ", "PROXY UNKNOWN", " 65535", " 1.2.3.4", " ::1",
        }.Select(Encoding.ASCII.GetBytes),
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A],
    ];

    public static byte[] Mutate(Random random, byte[] seed, byte[][] pool)
    {
        var data = new List<byte>(seed);
        var count = 1 + random.Next(4);
        for (var i = 0; i < count; i++)
        {
            var at = random.Next(data.Count + 1);
            switch (random.Next(9))
            {
                case 0 when data.Count > 0:
                    at = Math.Min(at, data.Count - 1);
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[Math.Min(at, data.Count - 1)] = InterestingOctets[random.Next(InterestingOctets.Length)];
                    break;
                case 2:
                    data.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 3:
                    data.RemoveRange(at, random.Next(Math.Min(32, data.Count - at) + 1));
                    break;
                case 4:
                    var length = random.Next(Math.Min(64, data.Count - at) + 1);
                    data.InsertRange(random.Next(data.Count + 1), data.GetRange(at, length));
                    break;
                case 5:
                    var other = pool[random.Next(pool.Length)];
                    var from = random.Next(other.Length + 1);
                    data.RemoveRange(at, data.Count - at);
                    data.AddRange(other.AsSpan(from));
                    break;
                case 6:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 7:
                    var noise = new byte[1 + random.Next(16)];
                    random.NextBytes(noise);
                    data.InsertRange(at, noise);
                    break;
                case 8:
                    data.InsertRange(at, Enumerable.Repeat((byte)'A', random.Next(300, 14_000)));
                    break;
            }
        }
        return [.. data];
    }
}

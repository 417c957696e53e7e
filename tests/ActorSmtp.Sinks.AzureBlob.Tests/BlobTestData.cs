namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>Names and payloads only the blob sink specs need (the rest is ActorSmtp.Sinks.Testing's TestMessages).</summary>
public static class BlobTestData
{
    /// <summary>A container name of its own for each test, so tests share one Azurite.</summary>
    public static string NewContainer() => "t" + Guid.NewGuid().ToString("N")[..20];

    /// <summary><paramref name="count"/> chunks of <paramref name="size"/> pseudo-random bytes.</summary>
    public static byte[][] RandomChunks(int count, int size) =>
        Enumerable.Range(0, count).Select(index =>
        {
            var chunk = new byte[size];
            new Random(index).NextBytes(chunk);
            return chunk;
        }).ToArray();
}

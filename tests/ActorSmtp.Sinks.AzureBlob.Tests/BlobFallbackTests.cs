using Xunit;

namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>The fallback chain blob → file, with Azurite really gone.</summary>
public sealed class BlobFallbackTests : IDisposable
{
    private readonly string _spool = Path.Combine(Path.GetTempPath(), "actorsmtp-fallback-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task While_blob_storage_is_down_messages_land_in_the_file_fallback_and_get_250()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var server = await BlobTestServer.StartAsync(azurite, "primary",
            sink: "fallback = spool, retry { max-retries = 0, delay = 10ms, max-delay = 10ms, network-timeout = 2s }",
            hocon: $"actorsmtp.sinks.spool {{ type = file, directory = \"{_spool}\" }}");
        using var client = await server.ConnectAsync();

        var before = MimeMessages.Create("before", "stored in blob storage");
        var beforeId = MimeMessages.QueuedId(await client.SendAsync(before));
        await azurite.StopAsync();
        var during = MimeMessages.Create("during", "stored in the fallback\r\n.with a dot");
        var duringId = MimeMessages.QueuedId(await client.SendAsync(during)); // 250, not 451
        await client.DisconnectAsync(true);

        Assert.Equal(MimeMessages.WireBytes(during), await System.IO.File.ReadAllBytesAsync(Path.Combine(_spool, duringId + ".eml")));
        Assert.True(System.IO.File.Exists(Path.Combine(_spool, duringId + ".json")));
        Assert.False(System.IO.File.Exists(Path.Combine(_spool, beforeId + ".eml"))); // the primary had that one
    }

    public void Dispose()
    {
        if (Directory.Exists(_spool))
            Directory.Delete(_spool, recursive: true);
    }
}

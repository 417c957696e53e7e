using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Xunit;
using Xunit.Abstractions;
using static ActorSmtp.Sinks.AzureBlob.Tests.BlobTestData;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>What lands in Azurite, and what never does: exact bytes, blocks, metadata, sidecar, failures.</summary>
public sealed class BlobSinkSpec(AzuriteFixture azurite, ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output), IClassFixture<AzuriteFixture>
{
    private readonly string _container = NewContainer();

    private BlobContainerClient Container => azurite.Azurite.Container(_container);

    private IActorRef CreateSink(string extra = "") =>
        Sys.ActorOf(Props.Create(typeof(BlobSink), ConfigurationFactory.ParseString($"""
            type = azure-blob
            connection-string = {azurite.Azurite.ConnectionStringHocon}
            container = {_container}
            {extra}
            """)));

    private async Task<SinkProtocol.Stored> StoreAsync(IActorRef sink, SinkProtocol.Store store)
    {
        sink.Tell(store, TestActor);
        return await ExpectMsgAsync<SinkProtocol.Stored>(TimeSpan.FromSeconds(10));
    }

    private async Task<byte[]> DownloadAsync(string name) =>
        (await Container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();

    private static string NameOf(string id) => $"2026/11/28/{id}.eml";

    [Fact]
    public async Task Stores_exactly_the_bytes_of_a_small_message_in_one_put()
    {
        byte[][] chunks =
        [
            Bytes("Subject: exact\r\n\r\n"),
            Bytes("lone CR\rhere\n"),
            [0x00, 0xFF, 0x0D],
            Bytes("\n.leading dot kept\r\nlast line\r\n"),
        ];
        var id = NewId();

        var stored = await StoreAsync(CreateSink(), Store(id, Body(chunks)));

        Assert.Equal(id, stored.MessageId);
        Assert.Equal(Container.GetBlobClient(NameOf(id)).Uri.AbsoluteUri, stored.Location);
        Assert.Equal(chunks.SelectMany(chunk => chunk).ToArray(), await DownloadAsync(NameOf(id)));
        var properties = (await Container.GetBlobClient(NameOf(id)).GetPropertiesAsync()).Value;
        Assert.Equal("message/rfc822", properties.ContentType);
        Assert.Equal(BlobType.Block, properties.BlobType);
        var blocks = (await Container.GetBlockBlobClient(NameOf(id)).GetBlockListAsync()).Value;
        Assert.Empty(blocks.CommittedBlocks); // one Put Blob, not a block list
    }

    [Fact]
    public async Task Streams_a_multi_block_message_fed_in_many_chunks()
    {
        var chunks = RandomChunks(count: 40, size: 100); // 4000 bytes, 7-byte-shifted against the blocks
        var id = NewId();

        await StoreAsync(CreateSink("block-size = 1000"), Store(id, StreamedBody(chunks)));

        Assert.Equal(chunks.SelectMany(chunk => chunk).ToArray(), await DownloadAsync(NameOf(id)));
        var blocks = (await Container.GetBlockBlobClient(NameOf(id)).GetBlockListAsync()).Value;
        Assert.Equal([1000, 1000, 1000, 1000], blocks.CommittedBlocks.Select(block => block.SizeLong));
        Assert.Empty(blocks.UncommittedBlocks);
    }

    [Fact]
    public async Task A_last_partial_block_is_staged_too()
    {
        var chunks = RandomChunks(count: 7, size: 333); // 2331 bytes: two full blocks of 1000 and 331
        var id = NewId();

        await StoreAsync(CreateSink("block-size = 1000"), Store(id, StreamedBody(chunks)));

        Assert.Equal(chunks.SelectMany(chunk => chunk).ToArray(), await DownloadAsync(NameOf(id)));
        var blocks = (await Container.GetBlockBlobClient(NameOf(id)).GetBlockListAsync()).Value;
        Assert.Equal([1000, 1000, 331], blocks.CommittedBlocks.Select(block => block.SizeLong));
    }

    [Fact]
    public async Task The_envelope_is_in_the_metadata_and_in_the_sidecar()
    {
        var id = NewId();
        var headers = SniffedHeaders.Parse(Encoding.UTF8.GetBytes("Message-ID: <m1@example.com>\r\nSubject: Grüße\r\nTo: a@example.net\r\n"));
        var envelope = Envelope(id, "a@example.net", "b@example.net") with
        {
            Tls = new TlsInfo("Tls13", "TLS_AES_256_GCM_SHA384", "mx.example.net"),
            AuthenticatedAs = "alice",
        };
        var body = Bytes("Subject: x\r\n\r\nhello\r\n");

        await StoreAsync(CreateSink(), new SinkProtocol.Store(envelope, headers, Body(body)));

        var metadata = (await Container.GetBlobClient(NameOf(id)).GetPropertiesAsync()).Value.Metadata;
        Assert.Equal(id, metadata["id"]);
        Assert.Equal("sender@example.com", metadata["mail_from"]);
        Assert.Equal("a@example.net,b@example.net", metadata["rcpt_to"]);
        Assert.Equal("192.0.2.10:40123", metadata["client"]);
        Assert.Equal("client.example.com", metadata["helo"]);
        Assert.Equal("2026-11-28T17:13:17.512Z", metadata["received_at"]);
        Assert.Equal("<m1@example.com>", metadata["message_id"]);
        Assert.Equal("Tls13 TLS_AES_256_GCM_SHA384", metadata["tls"]);
        Assert.Equal("alice", metadata["authenticated_as"]);

        var sidecar = Container.GetBlobClient(NameOf(id) + ".json");
        Assert.StartsWith("application/json", (await sidecar.GetPropertiesAsync()).Value.ContentType);
        using var json = JsonDocument.Parse(await DownloadAsync(NameOf(id) + ".json"));
        var root = json.RootElement;
        Assert.Equal(id, root.GetProperty("id").GetString());
        Assert.Equal("sender@example.com", root.GetProperty("mail-from").GetString());
        Assert.Equal(["a@example.net", "b@example.net"], root.GetProperty("rcpt-to").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("192.0.2.10", root.GetProperty("client").GetProperty("address").GetString());
        Assert.Equal(25, root.GetProperty("server").GetProperty("port").GetInt32());
        Assert.Equal(body.Length, root.GetProperty("size").GetInt64());
        Assert.Equal("Grüße", root.GetProperty("headers").GetProperty("subject").GetString());
        Assert.Equal("mx.example.net", root.GetProperty("tls").GetProperty("server-name").GetString());
        Assert.Equal("alice", root.GetProperty("authenticated-as").GetString());
        Assert.True(root.GetProperty("header-recipients-differ").GetBoolean());
    }

    [Fact]
    public async Task Non_ascii_and_many_recipients_keep_the_metadata_header_safe_and_small()
    {
        var id = NewId();
        var recipients = new[] { "jörg@bücher.example" }
            .Concat(Enumerable.Range(0, 400).Select(i => $"recipient-number-{i:D4}@a-rather-long-domain.example.net")).ToArray();
        var envelope = Envelope(id, recipients) with { MailFrom = "" };

        await StoreAsync(CreateSink(), new SinkProtocol.Store(envelope, SniffedHeaders.Empty, Body(Bytes("x\r\n"))));

        var metadata = (await Container.GetBlobClient(NameOf(id)).GetPropertiesAsync()).Value.Metadata;
        Assert.True(metadata.Sum(pair => pair.Key.Length + pair.Value.Length) <= 8 * 1024);
        Assert.All(metadata.Values, value => Assert.True(value.All(c => c is >= ' ' and <= '~'), value));
        Assert.Equal("<>", metadata["mail_from"]);
        var rcptTo = BlobMetadata.Decode(metadata["rcpt_to"]);
        Assert.StartsWith("jörg@bücher.example,recipient-number-0000@", rcptTo);
        Assert.Matches(@" \(\+\d+ more\)$", rcptTo);
        using var json = JsonDocument.Parse(await DownloadAsync(NameOf(id) + ".json"));
        Assert.Equal(401, json.RootElement.GetProperty("rcpt-to").GetArrayLength()); // the sidecar has them all
    }

    [Fact]
    public async Task The_name_template_places_the_blob()
    {
        var id = NewId();
        var envelope = Envelope(id, "Someone@Example.NET");

        var stored = await StoreAsync(CreateSink("name-template = \"{rcpt-domain}/{yyyy}-{MM}-{dd}T{HH}/{id}\""),
            new SinkProtocol.Store(envelope, SniffedHeaders.Empty, Body(Bytes("x\r\n"))));

        var name = $"example.net/2026-11-28T17/{id}";
        Assert.EndsWith("/" + _container + "/" + name, stored.Location);
        Assert.Equal(Bytes("x\r\n"), await DownloadAsync(name));
        Assert.True((await Container.GetBlobClient(name + ".json").ExistsAsync()).Value);
    }

    [Fact]
    public async Task The_container_is_created_when_missing()
    {
        Assert.False((await Container.ExistsAsync()).Value);

        await StoreAsync(CreateSink(), Store(NewId(), Body(Bytes("x\r\n"))));

        Assert.True((await Container.ExistsAsync()).Value);
    }

    [Fact]
    public async Task The_access_tier_is_set_on_the_message_blob()
    {
        var id = NewId();

        await StoreAsync(CreateSink("access-tier = Cool"), Store(id, Body(Bytes("x\r\n"))));

        Assert.Equal(AccessTier.Cool, (await Container.GetBlobClient(NameOf(id)).GetPropertiesAsync()).Value.AccessTier);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_that_fails_midway_commits_nothing(bool afterStagedBlocks)
    {
        // The server fails the body on a size overrun, bare LF, timeout or lost client.
        var id = NewId();
        var chunks = RandomChunks(count: afterStagedBlocks ? 30 : 1, size: 100);

        CreateSink("block-size = 1000").Tell(Store(id, StreamedBody(chunks, new IOException("client went away"))), TestActor);

        var failure = await ExpectMsgAsync<SinkProtocol.TemporaryFailure>(TimeSpan.FromSeconds(10));
        Assert.Equal(id, failure.MessageId);
        Assert.Contains("client went away", failure.Reason);
        Assert.False((await Container.GetBlobClient(NameOf(id)).ExistsAsync()).Value);
        Assert.False((await Container.GetBlobClient(NameOf(id) + ".json").ExistsAsync()).Value);
    }

    [Fact]
    public async Task Stopping_the_sink_mid_body_fails_the_store_and_commits_nothing()
    {
        var id = NewId();
        var sink = CreateSink("block-size = 16");
        var never = new TaskCompletionSource();
        sink.Tell(Store(id, GatedBody(Bytes("more than sixteen bytes, so one block is staged\r\n"), never.Task, [])), TestActor);
        await AwaitAssertAsync(async () =>
            Assert.NotEmpty((await Container.GetBlockBlobClient(NameOf(id)).GetBlockListAsync(BlockListTypes.Uncommitted)).Value.UncommittedBlocks),
            TimeSpan.FromSeconds(10));

        Sys.Stop(sink);

        Assert.Equal(id, (await ExpectMsgAsync<SinkProtocol.TemporaryFailure>(TimeSpan.FromSeconds(5))).MessageId);
        Assert.False((await Container.GetBlobClient(NameOf(id)).ExistsAsync()).Value);
        Assert.False((await Container.GetBlobClient(NameOf(id) + ".json").ExistsAsync()).Value);
    }

    [Fact]
    public async Task A_message_committed_after_the_deadline_is_taken_back()
    {
        // Storage wrote the message blob, but its answer comes after the store's deadline: the client has
        // had its 451 by then, so the blob and its sidecar must go, not be delivered as well as retried
        // (RFC 5321 §4.2.5).
        var id = NewId();
        await using var proxy = new ResponseHoldingProxy(azurite.Azurite.Port, $"{id}.eml HTTP/");
        var sink = Sys.ActorOf(Props.Create(typeof(BlobSink), ConfigurationFactory.ParseString($"""
            type = azure-blob
            connection-string = {JsonSerializer.Serialize(proxy.ConnectionString)}
            container = {_container}
            """)));
        var message = Container.GetBlobClient(NameOf(id));
        // A first store opens the connections and compiles the client's paths, so that the deadline below
        // is spent on the commit, not on start-up (a loaded box once took longer than that).
        await StoreAsync(sink, Store(NewId(), Body(Bytes("Subject: warm\r\n\r\nbody\r\n"))));
        var deadline = TimeSpan.FromSeconds(2);
        var sent = System.Diagnostics.Stopwatch.StartNew();

        sink.Tell(Store(id, Body(Bytes($"Subject: {id}\r\n\r\nbody\r\n"))) with { Timeout = deadline }, TestActor);
        await proxy.Holding.WaitAsync(TimeSpan.FromSeconds(10));
        for (var tries = 0; !(await message.ExistsAsync()).Value; tries++)
        {
            Assert.True(tries < 100, "the message blob was never committed");
            await Task.Delay(50);
        }
        var untilPastDeadline = deadline + TimeSpan.FromMilliseconds(500) - sent.Elapsed;
        if (untilPastDeadline > TimeSpan.Zero)
            await Task.Delay(untilPastDeadline); // the deadline passes while the answer is held
        proxy.Release();

        await ExpectMsgAsync<SinkProtocol.TemporaryFailure>(TimeSpan.FromSeconds(10));
        Assert.False((await message.ExistsAsync()).Value);
        Assert.False((await Container.GetBlobClient(NameOf(id) + ".json").ExistsAsync()).Value);
    }

    [Fact]
    public async Task Many_concurrent_stores_all_land_intact()
    {
        var sink = CreateSink("block-size = 64KiB");
        var messages = Enumerable.Range(0, 40).Select(i => (Id: NewId(), Bytes: RandomChunks(1 + i % 5, 30_000 + i))).ToList();

        foreach (var (id, chunks) in messages)
            sink.Tell(Store(id, StreamedBody(chunks)), TestActor);
        for (var i = 0; i < messages.Count; i++)
            await ExpectMsgAsync<SinkProtocol.Stored>(TimeSpan.FromSeconds(30));

        foreach (var (id, chunks) in messages)
            Assert.Equal(chunks.SelectMany(chunk => chunk).ToArray(), await DownloadAsync(NameOf(id)));
    }
}

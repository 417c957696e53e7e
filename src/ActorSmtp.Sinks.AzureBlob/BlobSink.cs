using System.Text;
using Akka.Configuration;
using Akka.Event;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace ActorSmtp.Sinks.AzureBlob;

/// <summary>
/// Stores each message in Azure Blob Storage: the exact bytes received as a block blob
/// (<c>message/rfc822</c>, the envelope as its metadata) and the envelope as a JSON sidecar blob beside it,
/// <c>&lt;name&gt;.json</c>. Replies <see cref="SinkProtocol.Stored"/> with the blob's URI only after both
/// were written.
/// </summary>
/// <remarks>
/// <para>
/// Configured by its HOCON block (every key optional): <c>{ type = azure-blob, connection-string =
/// "UseDevelopmentStorage=true", container = "mail", name-template = "{yyyy}/{MM}/{dd}/{id}.eml",
/// access-tier = "", block-size = 4MiB, service-version = "", retry { max-retries = 3, delay = 200ms,
/// max-delay = 5s, network-timeout = 30s } }</c>. The container is created when missing. See
/// <c>hocon/actorsmtp.reference.conf</c> for each key.
/// </para>
/// <para>
/// The body streams: bytes are collected into blocks of <c>block-size</c>, and each full block is
/// staged (Put Block) while DATA goes on; the block list is committed (Put Block List) only after the
/// body ended without error, i.e. after the server validated the end of data. A message that fits in one
/// block is written with one Put Blob after its end instead. Until the commit nothing is visible under
/// the name. If the body fails (size overrun, bare CR/LF, client gone, timeout) or the store is
/// cancelled, nothing is committed; the staged blocks are never referenced and Azure discards
/// uncommitted blocks by itself (after a week).
/// </para>
/// <para>
/// Order: the sidecar first, the message blob last. As with the file sink, the message blob is the
/// commit marker: whoever sees <c>&lt;name&gt;</c> (in a listing or from a BlobCreated event) can read
/// <c>&lt;name&gt;.json</c>. A sidecar without its message blob is debris of a store that answered 451; it
/// is deleted when the message blob surely was not committed, and left when that is unknown (the
/// commit's answer was lost), so that a message blob never lacks its sidecar.
/// </para>
/// <para>
/// Transient failures are retried by the Azure client (<c>retry</c>: exponential backoff). When the tries
/// are used up, or any other failure happens, the reply is a <see cref="SinkProtocol.TemporaryFailure"/>
/// (451 4.3.0) and never <see cref="SinkProtocol.Stored"/>. The sink itself keeps running: when storage is
/// back, the next message is stored.
/// </para>
/// </remarks>
public sealed class BlobSink : MessageSinkActor, IValidatesConfig
{
    // Design: the actor owns one BlobContainerClient (thread-safe, with its HTTP connection pool) for
    // all stores; the base runs stores concurrently and pipes each result to its sender. Each body is
    // read without materializing a stream, and a block is staged before more is read, so a slow
    // storage account slows that client down (backpressure). The container is created once, when the
    // sink starts; if that failed, or a store finds the container gone, the next store tries again.
    private const string MessageContentType = "message/rfc822";
    private const string SidecarContentType = "application/json; charset=utf-8";

    private readonly BlobSinkSettings _settings;
    private readonly BlobContainerClient _container;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopped = new();
    private readonly object _gate = new();
    private Task? _containerReady;

    /// <summary>Creates the sink from its HOCON block.</summary>
    /// <exception cref="ConfigurationException">A setting is invalid; the message names its key.</exception>
    public BlobSink(Config config)
    {
        _settings = BlobSinkSettings.From(config);
        _container = _settings.CreateContainerClient();
    }

    /// <summary>Checks the block, the connection string's syntax included, connecting to nothing (start-up and check-config).</summary>
    /// <exception cref="ConfigurationException">A setting is invalid; the message names its key.</exception>
    public static void ValidateConfig(Config config) => _ = BlobSinkSettings.From(config).CreateContainerClient();

    protected override void PreStart()
    {
        base.PreStart();
        // Early, so the first message does not wait for it; failures are logged and retried at first use.
        _ = EnsureContainerAsync(CancellationToken.None).ContinueWith(
            static task => _ = task.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
    }

    protected override void PostStop()
    {
        base.PostStop(); // cancels the stores in flight
        _stopped.Cancel(); // not disposed: a late store or cleanup may still read its token
    }

    protected override async Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken)
    {
        var id = store.MessageId;
        string name;
        try
        {
            name = _settings.Names.Expand(store.Envelope);
        }
        catch (ArgumentException ex)
        {
            return new SinkProtocol.TemporaryFailure(id, $"azure-blob sink: {ex.Message}");
        }
        var message = _container.GetBlockBlobClient(name);
        var sidecar = _container.GetBlockBlobClient(name + ".json");
        var buffer = new BlockBuffer(_settings.BlockSize);
        var step = Step.Body;
        try
        {
            await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            var (size, blocks) = await StageBodyAsync(store.Body, message, buffer, cancellationToken).ConfigureAwait(false);
            if (blocks.Count > 0 && buffer.Length > 0)
                await StageAsync(message, buffer, blocks, cancellationToken).ConfigureAwait(false); // the last, partial block

            // The body ended without error: the server validated the end of data. Now publish.
            cancellationToken.ThrowIfCancellationRequested();
            step = Step.Sidecar;
            var json = EnvelopeDocument.Serialize(store.Envelope, store.Headers, size);
            await sidecar.UploadAsync(new MemoryStream(json, writable: false),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = SidecarContentType } },
                cancellationToken).ConfigureAwait(false);

            cancellationToken.ThrowIfCancellationRequested();
            step = Step.Commit;
            // Not cancelled by the deadline: a commit aborted mid-request may still have happened, and then
            // the message would be delivered after its 451. Its outcome must be known (stopping the sink
            // still aborts it; the client retries, at worst a duplicate).
            await CommitAsync(message, buffer, blocks, BlobMetadata.For(store.Envelope, store.Headers), _stopped.Token).ConfigureAwait(false);
            buffer.Return(); // no request reads it any more
            if (cancellationToken.IsCancellationRequested)
            {
                // Committed, but after the deadline: the client has had its 451 (the base answers a late
                // store with a failure), so take the message back rather than have it delivered and retried.
                await DeleteQuietlyAsync(message).ConfigureAwait(false);
                await DeleteQuietlyAsync(sidecar).ConfigureAwait(false);
                return new SinkProtocol.TemporaryFailure(id, "azure-blob sink: committed after the deadline; taken back");
            }
            return new SinkProtocol.Stored(id, message.Uri.AbsoluteUri);
        }
        catch (MessageBodyException ex) when (ex.IsClientFault)
        {
            // The client broke the transaction off while blocks were staged: no block list is committed, so the
            // staged blocks are never visible (the service discards them). Not the sink's failure, nor worth a warning.
            return new SinkProtocol.Abandoned(id, ex.Cause);
        }
        catch (Exception ex)
        {
            // The buffer is not returned to the pool: an aborted request might still read it.
            if (ex is RequestFailedException { ErrorCode: "ContainerNotFound" })
                ForgetContainer(); // deleted behind our back (or an emulator restarted empty): the next store creates it
            if (step == Step.Sidecar || (step == Step.Commit && SurelyNotCommitted(ex)))
                _ = DeleteQuietlyAsync(sidecar);
            var reason = Describe(ex);
            _log.Warning("azure-blob sink: message {0} not stored ({1}): {2}", id, step, reason);
            return new SinkProtocol.TemporaryFailure(id, $"azure-blob sink: {reason}");
        }
    }

    /// <summary>Reads the body, staging every full block as it fills; returns the size and the staged block ids.</summary>
    /// <remarks>The last, partial block stays in <paramref name="buffer"/>.</remarks>
    private static async Task<(long Size, List<string> Blocks)> StageBodyAsync(
        MessageBody body, BlockBlobClient message, BlockBuffer buffer, CancellationToken cancellationToken)
    {
        long size = 0;
        var blocks = new List<string>();
        await foreach (var chunk in body.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var offset = 0; offset < chunk.Length;)
            {
                offset += buffer.Append(chunk.Span[offset..]);
                if (buffer.IsFull)
                    await StageAsync(message, buffer, blocks, cancellationToken).ConfigureAwait(false);
            }
            size += chunk.Length;
        }
        return (size, blocks);
    }

    private static async Task StageAsync(BlockBlobClient message, BlockBuffer buffer, List<string> blocks, CancellationToken cancellationToken)
    {
        // Every block id of a blob must have the same length; 50 000 blocks at most per blob.
        var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"block-{blocks.Count:D6}"));
        await message.StageBlockAsync(blockId, buffer.AsStream(), options: null, cancellationToken).ConfigureAwait(false);
        blocks.Add(blockId);
        buffer.Clear();
    }

    /// <summary>Makes the message blob visible: one Put Blob of the buffer when no block was staged, else Put Block List.</summary>
    private async Task CommitAsync(
        BlockBlobClient message, BlockBuffer buffer, List<string> blocks, Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var headers = new BlobHttpHeaders { ContentType = MessageContentType };
        if (blocks.Count == 0)
        {
            // Fits in one block: one Put Blob, still only after the end of data was validated.
            await message.UploadAsync(buffer.AsStream(),
                new BlobUploadOptions { HttpHeaders = headers, Metadata = metadata, AccessTier = _settings.AccessTier },
                cancellationToken).ConfigureAwait(false);
            return;
        }
        await message.CommitBlockListAsync(blocks,
            new CommitBlockListOptions { HttpHeaders = headers, Metadata = metadata, AccessTier = _settings.AccessTier },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when the container exists; one creation at a time, tried again after a failure.</summary>
    private Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        Task ready;
        lock (_gate)
        {
            if (_containerReady is null || _containerReady.IsFaulted || _containerReady.IsCanceled)
                _containerReady = CreateContainerAsync(_stopped.Token);
            ready = _containerReady;
        }
        return ready.WaitAsync(cancellationToken);
    }

    private void ForgetContainer()
    {
        lock (_gate)
            _containerReady = null;
    }

    private async Task CreateContainerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 403)
        {
            // A SAS or role limited to blobs may not create containers; the container may well exist.
            _log.Warning("azure-blob sink: may not create container {0} ({1}); assuming it exists", _container.Name, ex.ErrorCode);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.Warning("azure-blob sink: cannot create container {0}: {1}", _container.Name, Describe(ex));
            throw;
        }
    }

    // A 4xx answer to the commit means it did not happen; no answer (or a 5xx) leaves it open.
    private static bool SurelyNotCommitted(Exception ex) => ex is RequestFailedException { Status: >= 400 and < 500 };

    private async Task DeleteQuietlyAsync(BlockBlobClient blob)
    {
        try
        {
            await blob.DeleteIfExistsAsync(cancellationToken: _stopped.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.Debug("azure-blob sink: sidecar {0} left behind: {1}", blob.Name, Describe(ex));
        }
    }

    // The first line only: Azure's messages go on with request and response headers.
    private static string Describe(Exception ex)
    {
        var text = ex is RequestFailedException failed ? $"{failed.Status} {failed.ErrorCode}: {failed.Message}" : ex.Message;
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private enum Step
    {
        Body,
        Sidecar,
        Commit,
    }
}

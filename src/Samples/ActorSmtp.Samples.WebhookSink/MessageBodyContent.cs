using System.Net;

namespace ActorSmtp.Samples.WebhookSink;

/// <summary>
/// The message as an HTTP request part that streams: each chunk of the body is written to the connection as
/// it arrives from the client, so memory stays bounded and a slow endpoint slows the client (backpressure).
/// </summary>
internal sealed class MessageBodyContent(ActorSmtp.Sinks.MessageBody body) : HttpContent
{
    private int _started;

    /// <summary>True once the whole body was written without error: only then can a 2xx mean "stored".</summary>
    public bool Sent { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // The body can be read once; a resend (a redirect, a retried connection) fails instead of sending a part.
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("The message body was sent already.");
        // A failed body (client gone, size overrun) throws here: HttpClient aborts the request, so the
        // endpoint sees a truncated request, never a complete one.
        await foreach (var chunk in body.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            await stream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        Sent = true;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false; // unknown until the end of data: chunked transfer encoding
    }
}

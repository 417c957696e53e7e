using System.Text.Json;
using MimeKit;

namespace ActorSmtp.Mailbox.Api;

/// <summary>What <c>GET /api/v1/messages/{id}</c> answers: the summary, the envelope as stored and the message as MimeKit parses it.</summary>
/// <param name="Envelope">The file sink's <c>.json</c>, as written.</param>
/// <param name="Headers">Every header field in order, decoded (RFC 2047), repeated fields repeated.</param>
/// <param name="Text">The text part (or null).</param>
/// <param name="Html">The HTML part (or null); for display use <c>/messages/{id}/html</c>, which the page sandboxes.</param>
/// <param name="Attachments">The parts MimeKit counts as attachments; <c>index</c> is the <c>n</c> of <c>/attachments/{n}</c>.</param>
public sealed record MessageView(
    MessageSummary Message,
    JsonElement Envelope,
    IReadOnlyList<HeaderView> Headers,
    string? Text,
    string? Html,
    IReadOnlyList<AttachmentView> Attachments)
{
    /// <summary>The message's releases through the release sink, oldest first (<c>POST …/release</c>).</summary>
    public IReadOnlyList<Release.ReleaseRecord> Releases { get; init; } = [];
}

/// <summary>One header field.</summary>
public sealed record HeaderView(string Name, string Value);

/// <summary>One attachment: its position, file name, MIME type and decoded size in bytes.</summary>
public sealed record AttachmentView(int Index, string? Name, string Type, long Size);

/// <summary>Reads a stored message's files into the API's views.</summary>
internal static class StoredMessage
{
    public static async Task<MessageView> ViewAsync(MessageSummary summary, string emlPath, CancellationToken ct)
    {
        using var message = await MimeMessage.LoadAsync(emlPath, ct).ConfigureAwait(false);
        var envelope = await EnvelopeAsync(Path.ChangeExtension(emlPath, ".json"), ct).ConfigureAwait(false);
        var attachments = new List<AttachmentView>();
        foreach (var part in message.Attachments)
            attachments.Add(new AttachmentView(attachments.Count, FileName(part), part.ContentType.MimeType, await DecodedSizeAsync(part, ct).ConfigureAwait(false)));
        return new MessageView(summary, envelope, message.Headers.Select(h => new HeaderView(h.Field, h.Value)).ToArray(),
            message.TextBody, message.HtmlBody, attachments);
    }

    /// <summary>The attachment at <paramref name="index"/>, or null; the caller disposes the message.</summary>
    public static async Task<(MimeMessage Message, MimeEntity? Part)> AttachmentAsync(string emlPath, int index, CancellationToken ct)
    {
        var message = await MimeMessage.LoadAsync(emlPath, ct).ConfigureAwait(false);
        return (message, message.Attachments.ElementAtOrDefault(index));
    }

    public static string? FileName(MimeEntity part) => part switch
    {
        MimePart mime => mime.FileName,
        MessagePart inner => inner.ContentDisposition?.FileName ?? inner.Message?.Subject,
        _ => part.ContentDisposition?.FileName,
    };

    /// <summary>Writes the part's decoded content: a file's bytes (base64 or quoted-printable undone), an attached message as its bytes.</summary>
    public static async Task WriteDecodedAsync(MimeEntity part, Stream output, CancellationToken ct)
    {
        switch (part)
        {
            case MimePart { Content: { } content }:
                await content.DecodeToAsync(output, ct).ConfigureAwait(false);
                break;
            case MessagePart { Message: { } inner }:
                await inner.WriteToAsync(output, ct).ConfigureAwait(false);
                break;
        }
    }

    private static async Task<long> DecodedSizeAsync(MimeEntity part, CancellationToken ct)
    {
        await using var counter = new MimeKit.IO.MeasuringStream();
        await WriteDecodedAsync(part, counter, ct).ConfigureAwait(false);
        return counter.Length;
    }

    private static async Task<JsonElement> EnvelopeAsync(string jsonPath, CancellationToken ct)
    {
        await using var stream = File.OpenRead(jsonPath);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
        return document.RootElement.Clone();
    }
}

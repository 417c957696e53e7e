using System.Text.Json;
using ActorSmtp.Sinks;

namespace ActorSmtp.Mailbox.Index;

/// <summary>The file sink's stored form, read: <c>&lt;id&gt;.json</c> (an <see cref="EnvelopeDocument"/>) and <c>&lt;id&gt;.eml</c>.</summary>
internal static class StoredFiles
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower };

    public static string EmlPath(string directory, string id) => Path.Combine(directory, id + ".eml");

    public static string JsonPath(string directory, string id) => Path.Combine(directory, id + ".json");

    /// <summary>The message's index entry, or null when its files are gone or its .json is not an envelope document.</summary>
    public static IndexedMessage? Read(string directory, string id)
    {
        if (Envelope(directory, id) is not { } envelope)
            return null;
        string text;
        try
        {
            text = BodyText.Read(EmlPath(directory, id));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // deleted meanwhile: the commit marker is gone, so the message is
        }
        var headers = envelope.Headers;
        return new IndexedMessage(
            id,
            SeqKey.Millis(new DateTimeOffset(DateTime.SpecifyKind(envelope.ReceivedAt, DateTimeKind.Utc))),
            envelope.MailFrom,
            envelope.RcptTo,
            headers.From,
            [.. headers.To, .. headers.Cc],
            headers.Subject,
            envelope.Size,
            envelope.Tls is not null,
            envelope.AuthenticatedAs,
            envelope.HeaderRecipientsDiffer,
            text);
    }

    /// <summary>The message's envelope document, or null when its .json is gone or is not one (or not this message's).</summary>
    public static EnvelopeDocument? Envelope(string directory, string id)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<EnvelopeDocument>(File.ReadAllBytes(JsonPath(directory, id)), Json);
            return envelope?.Id == id ? envelope : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The readable ones of <paramref name="ids"/>, parsed in parallel when there are many (MimeKit costs tens of µs per message).</summary>
    public static IndexedMessage[] ReadAll(string directory, IReadOnlyList<string> ids)
    {
        var messages = new IndexedMessage?[ids.Count];
        if (ids.Count < 16)
            for (var i = 0; i < ids.Count; i++)
                messages[i] = Read(directory, ids[i]);
        else
            Parallel.For(0, ids.Count, i => messages[i] = Read(directory, ids[i]));
        return messages.OfType<IndexedMessage>().ToArray();
    }

    /// <summary>Ids of the committed messages in <paramref name="directory"/>: an .eml (the commit marker) with its .json beside it, sorted (ordinal).</summary>
    public static List<string> CommittedIds(string directory)
    {
        var emls = new List<string>();
        var jsons = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path.AsSpan());
            if (name.StartsWith('.'))
                continue; // temporaries (.<id>.eml.tmp) and the index itself
            if (name.EndsWith(".eml", StringComparison.Ordinal))
                emls.Add(name[..^4].ToString());
            else if (name.EndsWith(".json", StringComparison.Ordinal))
                jsons.Add(name[..^5].ToString());
        }
        emls.RemoveAll(id => !jsons.Contains(id));
        emls.Sort(StringComparer.Ordinal);
        return emls;
    }

    /// <summary>Deletes the message's files, the .eml (the commit marker) first; false when one could not be deleted.</summary>
    public static bool Delete(string directory, string id)
    {
        try
        {
            File.Delete(EmlPath(directory, id));
            File.Delete(JsonPath(directory, id));
            File.Delete(Release.MessageRelease.RecordPath(directory, id)); // its releases, if it had any
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

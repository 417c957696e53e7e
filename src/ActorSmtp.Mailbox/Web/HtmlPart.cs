using MimeKit;
using MimeKit.Text;

namespace ActorSmtp.Mailbox.Web;

/// <summary>
/// A message's HTML part as the page's sandboxed iframe shows it: the HTML exactly as sent (scripts included:
/// the sandbox and the CSP, not a filter, keep them from running), except that <c>cid:</c> references to the
/// message's own parts (RFC 2392) become <c>data:</c> URIs, so inline images show with <c>img-src data:</c> and
/// nothing else.
/// </summary>
internal static class HtmlPart
{
    /// <summary>The HTML of the message in <paramref name="eml"/>, or null when it has no HTML part.</summary>
    public static async Task<string?> RenderAsync(string eml, CancellationToken ct)
    {
        using var message = await MimeMessage.LoadAsync(eml, ct).ConfigureAwait(false);
        return message.HtmlBody is { } html ? InlineParts(html, PartsById(message)) : null;
    }

    /// <summary>The parts that carry a Content-ID, by it; the first wins when a sender repeats one.</summary>
    private static Dictionary<string, MimePart> PartsById(MimeMessage message)
    {
        var parts = new Dictionary<string, MimePart>(StringComparer.Ordinal);
        foreach (var part in message.BodyParts.OfType<MimePart>())
            if (part.ContentId is { } id)
                parts.TryAdd(id, part);
        return parts;
    }

    internal static string InlineParts(string html, IReadOnlyDictionary<string, MimePart> parts)
    {
        if (parts.Count == 0 || !html.Contains("cid:", StringComparison.OrdinalIgnoreCase))
            return html;
        var converter = new HtmlToHtml { HtmlTagCallback = (context, writer) => Rewrite(context, writer, parts) };
        using var output = new StringWriter();
        converter.Convert(new StringReader(html), output);
        return output.ToString();
    }

    private static void Rewrite(HtmlTagContext context, HtmlWriter writer, IReadOnlyDictionary<string, MimePart> parts)
    {
        if (context.IsEndTag || !context.Attributes.Any(a => IsUrl(a) && Resolve(a.Value, parts) is not null))
        {
            context.WriteTag(writer, true);
            return;
        }
        context.WriteTag(writer, false);
        foreach (var attribute in context.Attributes)
        {
            if (IsUrl(attribute) && Resolve(attribute.Value, parts) is { } part)
                writer.WriteAttribute(attribute.Name, DataUri(part));
            else
                writer.WriteAttribute(attribute);
        }
    }

    // <img src>, and the background attribute of body/table/td that older mail HTML still uses.
    private static bool IsUrl(HtmlAttribute attribute) => attribute.Id is HtmlAttributeId.Src or HtmlAttributeId.Background;

    /// <summary>RFC 2392 §2: "cid:" then the Content-ID without its angle brackets, URL-encoded.</summary>
    private static MimePart? Resolve(string? url, IReadOnlyDictionary<string, MimePart> parts) =>
        url is not null && url.StartsWith("cid:", StringComparison.OrdinalIgnoreCase)
        && parts.TryGetValue(Uri.UnescapeDataString(url[4..].Trim()), out var part) ? part : null;

    private static string DataUri(MimePart part)
    {
        using var decoded = new MemoryStream();
        part.Content?.DecodeTo(decoded);
        return $"data:{part.ContentType.MimeType};base64,{Convert.ToBase64String(decoded.GetBuffer(), 0, (int)decoded.Length)}";
    }
}

using System.Text;
using MimeKit;
using MimeKit.Text;

namespace ActorSmtp.Mailbox.Index;

/// <summary>The searchable text of a message: its text/plain body, else its HTML body with the tags stripped.</summary>
internal static class BodyText
{
    /// <summary>
    /// At most this many characters are indexed per message: what a person searches for sits near the top, and a
    /// 50 MB text body would otherwise cost the index as much as thousands of ordinary messages.
    /// </summary>
    public const int MaxChars = 64 * 1024;

    /// <summary>Reads the .eml at <paramref name="emlPath"/>; a file MimeKit cannot parse has no text (the message is still listed).</summary>
    public static string Read(string emlPath)
    {
        try
        {
            using var file = File.OpenRead(emlPath);
            // A small message is read at once and parsed from memory (61 → 50 µs per 1 KB message, measured); a large
            // one is parsed from the file, persistent: its parts point into the file, so an attachment is never loaded.
            using var stream = file.Length <= InMemoryLimit ? new MemoryStream(ReadAll(file), writable: false) : (Stream)file;
            var message = MimeMessage.Load(stream, persistent: stream == file);
            var text = message.TextBody ?? (message.HtmlBody is { } html ? StripTags(html) : "");
            return text.Length > MaxChars ? text[..MaxChars] : text;
        }
        catch (FormatException)
        {
            return "";
        }
    }

    private const int InMemoryLimit = 256 * 1024;

    private static byte[] ReadAll(FileStream file)
    {
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The character data of an HTML document, without scripts and styles (MimeKit's tokenizer, not a regex).</summary>
    public static string StripTags(string html)
    {
        var text = new StringBuilder();
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var skipping = false;
        while (tokenizer.ReadNextToken(out var token) && text.Length < MaxChars)
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style:
                    skipping = !tag.IsEndTag && !tag.IsEmptyElement;
                    break;
                case HtmlTagToken:
                    text.Append(' '); // <p>a</p><p>b</p> is two words
                    break;
                case HtmlDataToken data when !skipping:
                    text.Append(data.Data);
                    break;
            }
        }
        return text.ToString();
    }
}

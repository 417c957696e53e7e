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
            using var stream = File.OpenRead(emlPath);
            // persistent: parts point into the file instead of copying it, so an attachment is never loaded.
            var message = MimeMessage.Load(stream, persistent: true);
            var text = message.TextBody ?? (message.HtmlBody is { } html ? StripTags(html) : "");
            return text.Length > MaxChars ? text[..MaxChars] : text;
        }
        catch (FormatException)
        {
            return "";
        }
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

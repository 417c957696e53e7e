using System.Text;

namespace ActorSmtp.MessageAuthentication.Reporting;

/// <summary>RFC 5322 §2.2.3 folding: lines of at most 78 characters, broken only where a space already is.</summary>
internal static class HeaderFolding
{
    private const int LineLength = 78;

    /// <summary>
    /// Joins <paramref name="words"/> with single spaces, replacing a space by CRLF + tab where the line would pass
    /// 78 characters. A word longer than a line stays whole (RFC 5322's hard limit is 998).
    /// </summary>
    /// <param name="firstLineUsed">The characters before the value on the first line ("Authentication-Results: ").</param>
    public static string Fold(IReadOnlyList<string> words, int firstLineUsed)
    {
        var folded = new StringBuilder();
        var line = firstLineUsed;
        for (var i = 0; i < words.Count; i++)
        {
            if (i > 0 && line + 1 + words[i].Length > LineLength)
            {
                folded.Append("\r\n\t");
                line = 1;
            }
            else if (i > 0)
            {
                folded.Append(' ');
                line++;
            }
            folded.Append(words[i]);
            line += words[i].Length;
        }
        return folded.ToString();
    }
}

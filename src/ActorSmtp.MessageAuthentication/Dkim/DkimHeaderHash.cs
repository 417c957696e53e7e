using System.Text;
using MimeKit.Cryptography;

namespace ActorSmtp.MessageAuthentication.Dkim;

/// <summary>
/// The data a DKIM signature signs (RFC 6376 §3.7): the header fields h= names, each picked from the bottom up (§5.4.2),
/// canonicalized (§3.4.1 simple, §3.4.2 relaxed), then the DKIM-Signature field itself with its b= value taken out and
/// no final CRLF. Works on the raw header block, so what is checked is exactly what is stored.
/// </summary>
internal static class DkimHeaderHash
{
    /// <summary>One header field of the block: its name and its raw text, folded lines and final CRLF included.</summary>
    public readonly record struct Field(string Name, string Raw)
    {
        /// <summary>The value: everything after the first colon.</summary>
        public string Value => Raw[(Raw.IndexOf(':') + 1)..];
    }

    /// <summary>The fields of a header block (the bytes before the empty line), in order; ISO-8859-1 keeps every byte.</summary>
    public static IReadOnlyList<Field> Fields(ReadOnlySpan<byte> block)
    {
        var text = Encoding.Latin1.GetString(block);
        var fields = new List<Field>();
        var at = 0;
        while (at < text.Length && !text.AsSpan(at).StartsWith("\r\n"))
        {
            var end = at;
            do
            {
                var lineEnd = text.IndexOf("\r\n", end, StringComparison.Ordinal);
                end = lineEnd < 0 ? text.Length : lineEnd + 2;
            }
            while (end < text.Length && text[end] is ' ' or '\t'); // a folded line continues the field (RFC 5322 §2.2.3)
            var raw = text[at..end];
            var colon = raw.IndexOf(':');
            if (colon > 0)
                fields.Add(new Field(raw[..colon].TrimEnd(' ', '\t'), raw));
            at = end;
        }
        return fields;
    }

    /// <summary>The canonical data <paramref name="signature"/> (the field at <paramref name="signatureField"/>) signs.</summary>
    public static byte[] Data(IReadOnlyList<Field> fields, int signatureField, DkimSignature signature)
    {
        var relaxed = signature.HeaderCanonicalization == DkimCanonicalizationAlgorithm.Relaxed;
        var data = new StringBuilder();
        var used = new HashSet<int>();
        foreach (var name in signature.SignedHeaders)
        {
            for (var i = fields.Count - 1; i >= 0; i--)
            {
                if (used.Contains(i) || !fields[i].Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                    continue;
                used.Add(i);
                data.Append(relaxed ? Relaxed(fields[i].Name, fields[i].Value) + "\r\n" : fields[i].Raw);
                break; // a name with no field left signs nothing (§5.4.2)
            }
        }
        var own = fields[signatureField];
        var withoutB = WithoutSignature(own.Raw);
        data.Append(relaxed ? Relaxed(own.Name, withoutB[(withoutB.IndexOf(':') + 1)..]) : withoutB.TrimEnd('\n').TrimEnd('\r'));
        return Encoding.Latin1.GetBytes(data.ToString());
    }

    /// <summary>§3.4.2: lower-case name, unfolded value with runs of WSP as one SP, none at either end, no WSP around the colon.</summary>
    private static string Relaxed(string name, string value)
    {
        var unfolded = value.Replace("\r\n", "");
        var text = new StringBuilder(unfolded.Length);
        var space = false;
        foreach (var c in unfolded)
        {
            if (c is ' ' or '\t')
            {
                space = true;
                continue;
            }
            if (space && text.Length > 0)
                text.Append(' ');
            space = false;
            text.Append(c);
        }
        return name.ToLowerInvariant() + ":" + text;
    }

    /// <summary>§3.5: the field with the b= tag's value removed, everything else (the other tags, FWS) as it is.</summary>
    private static string WithoutSignature(string raw)
    {
        var colon = raw.IndexOf(':');
        var at = colon + 1;
        while (at < raw.Length)
        {
            var end = raw.IndexOf(';', at);
            if (end < 0)
                end = raw.Length - (raw.EndsWith("\r\n", StringComparison.Ordinal) ? 2 : 0);
            var spec = raw[at..end];
            var equals = spec.IndexOf('=');
            if (equals > 0 && spec[..equals].Trim(' ', '\t', '\r', '\n') == "b")
                return raw[..(at + equals + 1)] + raw[end..];
            at = end + 1;
        }
        return raw;
    }
}

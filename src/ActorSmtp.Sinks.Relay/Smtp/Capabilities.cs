namespace ActorSmtp.Sinks.Relay.Smtp;

/// <summary>The EHLO keywords (RFC 5321 §4.1.1.1) this client acts on; HELO offers none of them.</summary>
internal sealed record Capabilities(
    bool Pipelining, bool Chunking, bool EightBitMime, bool SmtpUtf8, bool StartTls, IReadOnlySet<string> AuthMechanisms)
{
    public static readonly Capabilities None = new(false, false, false, false, false, new HashSet<string>());

    public static Capabilities FromEhlo(UpstreamReply ehlo)
    {
        // The first line is the greeting ("mx.example Hello"); each further line is one keyword and its parameters.
        var keywords = ehlo.Lines.Skip(1).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(words => words.Length > 0)
            .ToDictionary(words => words[0].ToUpperInvariant(), words => words[1..], StringComparer.Ordinal);
        return new Capabilities(
            keywords.ContainsKey("PIPELINING"),
            keywords.ContainsKey("CHUNKING"),
            keywords.ContainsKey("8BITMIME"),
            keywords.ContainsKey("SMTPUTF8"),
            keywords.ContainsKey("STARTTLS"),
            keywords.TryGetValue("AUTH", out var mechanisms)
                ? mechanisms.Select(m => m.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal)
                : new HashSet<string>());
    }
}

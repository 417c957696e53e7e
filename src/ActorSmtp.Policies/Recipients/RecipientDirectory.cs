namespace ActorSmtp.Policies.Recipients;

/// <summary>
/// The valid recipients: exact addresses and <c>@domain</c> wildcards (every address of the domain), compared without
/// regard to case as Postfix's tables do. Immutable, so a reload builds a new one while lookups go on in the old.
/// One hash lookup for the address and one for its domain: O(1) whatever the size (a million entries in
/// load-tests/BENCHMARKS.md).
/// </summary>
public sealed class RecipientDirectory
{
    private readonly HashSet<string> _addresses;
    private readonly HashSet<string> _domains;

    private RecipientDirectory(HashSet<string> addresses, HashSet<string> domains)
    {
        _addresses = addresses;
        _domains = domains;
    }

    /// <summary>Entries in all: addresses and domains.</summary>
    public int Count => _addresses.Count + _domains.Count;

    /// <summary>A directory of <paramref name="entries"/>: "alice@example.com" or "@example.com".</summary>
    /// <exception cref="FormatException">An entry is neither (the message quotes it and says where it came from).</exception>
    public static RecipientDirectory Of(IEnumerable<string> entries, string source = "addresses")
    {
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var domains = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var line = 0;
        foreach (var raw in entries)
        {
            line++;
            var entry = raw.Trim();
            if (entry.Length == 0 || entry[0] == '#')
                continue;
            var at = entry.LastIndexOf('@');
            if (at < 0 || at == entry.Length - 1 || entry.Contains(' '))
                throw new FormatException($"{source}, entry {line}: '{entry}' is neither an address (user@domain) nor a domain (@domain)");
            if (at == 0)
                domains.Add(entry[1..].TrimEnd('.'));
            else
                addresses.Add(entry);
        }
        return new RecipientDirectory(addresses, domains);
    }

    /// <summary>The directory a file holds: one entry per line, blank lines and <c>#</c> comments skipped.</summary>
    public static RecipientDirectory Load(string path) => Of(File.ReadLines(path), path);

    /// <summary>
    /// Whether <paramref name="recipient"/> is known. The postmaster always is (RFC 5321 §4.5.1: every domain must
    /// accept mail for it).
    /// </summary>
    public bool Contains(string recipient)
    {
        var at = recipient.LastIndexOf('@');
        if (at < 0)
            return recipient.Equals("postmaster", StringComparison.OrdinalIgnoreCase);
        var local = recipient.AsSpan(0, at);
        if (local.Equals("postmaster", StringComparison.OrdinalIgnoreCase))
            return true;
        return _addresses.Contains(recipient) || _domains.Contains(recipient[(at + 1)..]);
    }

    public static RecipientDirectory Merge(RecipientDirectory a, RecipientDirectory b)
    {
        var addresses = new HashSet<string>(a._addresses, StringComparer.OrdinalIgnoreCase);
        addresses.UnionWith(b._addresses);
        var domains = new HashSet<string>(a._domains, StringComparer.OrdinalIgnoreCase);
        domains.UnionWith(b._domains);
        return new RecipientDirectory(addresses, domains);
    }
}

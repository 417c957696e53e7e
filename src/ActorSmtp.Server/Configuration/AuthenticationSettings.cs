using System.Net;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using ActorSmtp.Dns;
using ActorSmtp.Protocol.Replies;

namespace ActorSmtp.Server.Configuration;

/// <summary><c>actorsmtp.authentication</c>, <c>actorsmtp.dnsbl</c> and <c>actorsmtp.dns</c>: who really sent a message.</summary>
/// <param name="MaxHeldSize">add-authentication-results: a message up to this size is held until its header is known.</param>
public sealed record AuthenticationSettings(
    bool Spf,
    bool Dkim,
    bool Dmarc,
    bool Arc,
    bool AddAuthenticationResults,
    long MaxHeldSize,
    bool RejectSpfFail,
    bool RejectDmarc,
    bool TagDmarcQuarantine,
    long ArcMaxSize,
    IReadOnlyList<DnsblZoneSettings> Dnsbl,
    int DnsblThreshold,
    DnsSettings Dns)
{
    public static readonly AuthenticationSettings Off = new(false, false, false, false, false, 0, false, false, false, 0, [], 1,
        DnsSettings.Default);

    /// <summary>Anything asks DNS: then the server makes its resolver.</summary>
    public bool Any => Spf || Dkim || Dmarc || Arc || Dnsbl.Count > 0;

    /// <summary>Something runs at the end of data (the body is held back from completing until it is done).</summary>
    public bool AtEndOfData => Dkim || Dmarc || Arc;

    /// <summary>The end of data changes what the sink gets (a header, a tag): a message is held until then, up to max-held-size.</summary>
    public bool HoldsMessages => AddAuthenticationResults || TagDmarcQuarantine;

    internal static AuthenticationSettings From(ConfigReader root)
    {
        var section = root.Section("authentication");
        var spf = section.Bool("spf");
        var dkim = section.Bool("dkim");
        var dmarc = section.Bool("dmarc");
        if (dmarc && !(spf && dkim))
            throw new SettingsException(section.Key("dmarc"), "needs spf = on and dkim = on: DMARC aligns their results (RFC 7489 §3.1)");
        var rejectSpf = Choice(section, "spf-fail", "reject", "accept");
        if (rejectSpf && !spf)
            throw new SettingsException(section.Key("spf-fail"), "is reject but spf is off");
        var rejectDmarc = Choice(section, "dmarc-reject", "reject", "accept");
        var tagQuarantine = Choice(section, "dmarc-quarantine", "tag", "accept");
        if ((rejectDmarc || tagQuarantine) && !dmarc)
            throw new SettingsException(section.Key(rejectDmarc ? "dmarc-reject" : "dmarc-quarantine"), "acts on DMARC but dmarc is off");
        var add = section.Bool("add-authentication-results");
        return new AuthenticationSettings(spf, dkim, dmarc, section.Bool("arc"), add,
            section.Bytes("max-held-size", min: 0), rejectSpf, rejectDmarc, tagQuarantine, section.Bytes("arc-max-size", min: 0),
            Zones(root), root.Int("dnsbl-threshold", min: 1), DnsConfiguration.From(root.Section("dns")));
    }

    /// <summary>A value that is one of two words; true for <paramref name="yes"/>.</summary>
    private static bool Choice(ConfigReader section, string name, string yes, string no)
    {
        var value = section.String(name);
        return value == yes || (value == no ? false : throw new SettingsException(section.Key(name), $"must be {no} or {yes}, not '{value}'"));
    }

    private static IReadOnlyList<DnsblZoneSettings> Zones(ConfigReader root)
    {
        var key = root.Key("dnsbl");
        if (!root.Config.HasPath("dnsbl"))
            return [];
        return root.Config.GetValue("dnsbl").GetArray()
            .Select((item, i) => DnsblZoneSettings.From(new ConfigReader(new Config(new HoconRoot(item)), $"{key}[{i}]")))
            .ToArray();
    }
}

/// <summary>One <c>dnsbl</c> entry.</summary>
/// <param name="Reply">The refusal, with <c>{ip}</c> and <c>{zone}</c> to fill in.</param>
public sealed record DnsblZoneSettings(string Zone, string Reply, int Weight)
{
    private const string DefaultReply = "554 5.7.1 Service unavailable; client [{ip}] blocked using {zone}";

    internal static DnsblZoneSettings From(ConfigReader entry)
    {
        var zone = entry.String("zone").Trim().TrimEnd('.');
        if (zone.Length == 0 || zone.Any(c => c <= ' ' || c >= 127))
            throw new SettingsException(entry.Key("zone"), "must be a DNS zone name such as zen.example");
        var reply = entry.Config.HasPath("reply") ? entry.String("reply") : DefaultReply;
        // RFC 5321 §3.1: a refusal at connect is 554 (or 421 to say "later"); the longest address must still fit.
        if (FaultReplyText.Parse(Filled(reply, IPAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), zone), zone, atConnect: true, out var problem) is null)
            throw new SettingsException(entry.Key("reply"), problem!);
        var weight = entry.Config.HasPath("weight") ? entry.Int("weight", min: 0, max: 1000) : 1;
        return new DnsblZoneSettings(zone, reply, weight);
    }

    /// <summary>The refusal for <paramref name="client"/> (checked at start-up, so it parses).</summary>
    public SmtpReply ReplyFor(IPAddress client) => FaultReplyText.Parse(Filled(Reply, client, Zone), Zone, atConnect: true, out _)!;

    private static string Filled(string reply, IPAddress client, string zone) => reply.Replace("{ip}", client.ToString()).Replace("{zone}", zone);
}

/// <summary>Reads <c>actorsmtp.dns</c> into the resolver's settings.</summary>
internal static class DnsConfiguration
{
    public static DnsSettings From(ConfigReader dns)
    {
        var servers = dns.Strings("servers").Select((entry, i) => Server(dns.Key($"servers[{i}]"), entry)).ToArray();
        var cache = dns.Section("cache");
        var minTtl = cache.Duration("min-ttl", TimeSpan.Zero);
        var maxTtl = cache.Duration("max-ttl", minTtl);
        return new DnsSettings(servers, dns.Duration("timeout", TimeSpan.FromMilliseconds(10)), dns.Int("attempts", min: 1, max: 10),
            new DnsCacheSettings(cache.Int("max-entries", min: 0), minTtl, maxTtl));
    }

    private static IPEndPoint Server(string key, string entry)
    {
        try
        {
            return DnsSettings.ParseServer(entry);
        }
        catch (FormatException e)
        {
            throw new SettingsException(key, e.Message);
        }
    }
}

using System.Net;
using System.Text;

namespace ActorSmtp.TestSupport;

/// <summary>The unbound.conf (and zone file) of a <see cref="TestDnsServer"/>: local-data zones, a chased zone, a silent one.</summary>
internal static class UnboundConfig
{
    private static readonly string[] DefaultZones = ["test.", "in-addr.arpa.", "ip6.arpa."];

    /// <summary>Writes the files into <paramref name="directory"/>; returns the config's path.</summary>
    public static async Task<string> WriteAsync(string directory, IPEndPoint endPoint, IPEndPoint silent, IEnumerable<string>? zones, IEnumerable<string> records)
    {
        var all = records.ToList();
        var zoneFile = Path.Combine(directory, "chased.zone");
        await File.WriteAllTextAsync(zoneFile, ZoneFile(all.Where(IsChased)));
        var allZones = DefaultZones.Concat((zones ?? []).Select(zone => zone.EndsWith('.') ? zone : zone + "."));
        var config = Path.Combine(directory, "unbound.conf");
        await File.WriteAllTextAsync(config, Config(directory, endPoint, silent, zoneFile, allZones, all.Where(record => !IsChased(record))));
        return config;
    }

    private static bool IsChased(string record)
    {
        var owner = record.Split(' ', 2)[0].TrimEnd('.');
        return owner.Equals(TestDnsServer.ChasedZone, StringComparison.OrdinalIgnoreCase)
               || owner.EndsWith("." + TestDnsServer.ChasedZone, StringComparison.OrdinalIgnoreCase);
    }

    private static string ZoneFile(IEnumerable<string> records)
    {
        const string zone = TestDnsServer.ChasedZone;
        return $"$TTL 300\n{zone}. SOA ns.{zone}. hostmaster.{zone}. 1 3600 600 86400 30\n{zone}. NS ns.{zone}.\nns.{zone}. A 127.0.0.1\n"
               + string.Concat(records.Select(record => record + "\n"));
    }

    private static string Config(string directory, IPEndPoint endPoint, IPEndPoint silent, string zoneFile, IEnumerable<string> zones, IEnumerable<string> local)
    {
        var text = new StringBuilder($"""
            server:
              interface: {endPoint.Address}
              port: {endPoint.Port}
              do-daemonize: no
              username: ""
              chroot: ""
              directory: "{directory}"
              pidfile: ""
              use-syslog: no
              logfile: ""
              verbosity: 0
              do-ip6: no
              access-control: 127.0.0.0/8 allow
              module-config: "iterator"
              do-not-query-localhost: no
              local-zone: "{TestDnsServer.TimeoutZone}." transparent
              local-zone: "{TestDnsServer.ChasedZone}." transparent

            """);
        foreach (var zone in zones)
            text.Append($"  local-zone: \"{zone}\" static\n");
        foreach (var record in local)
            text.Append(record.Contains('"') ? $"  local-data: '{record}'\n" : $"  local-data: \"{record}\"\n");
        // The zone that times out: forwarded to a port that takes the queries and never answers.
        text.Append($"forward-zone:\n  name: \"{TestDnsServer.TimeoutZone}.\"\n  forward-addr: {silent.Address}@{silent.Port}\n");
        // for-upstream only: answered through the iterator, which chases CNAMEs (for-downstream answers do not).
        text.Append($"auth-zone:\n  name: \"{TestDnsServer.ChasedZone}.\"\n  zonefile: \"{zoneFile}\"\n" +
                    "  for-downstream: no\n  for-upstream: yes\n  fallback-enabled: no\n");
        text.Append("remote-control:\n  control-enable: no\n");
        return text.ToString();
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;

namespace ActorSmtp.TestSupport;

/// <summary>
/// Debian's unbound on 127.0.0.1 at a free port, answering only from a generated zone (local-data): a real DNS
/// server for the tests. Names under <c>test.</c> (and the extra zones, in-addr.arpa and ip6.arpa) it was not
/// given are NXDOMAIN; names under <see cref="TimeoutZone"/> are forwarded to a port that never answers.
/// Killed on dispose.
/// </summary>
/// <remarks>
/// unbound does not chase a CNAME of its local-data; records under <see cref="ChasedZone"/> go to an auth-zone
/// instead, which its iterator resolves as a recursive resolver would (CNAME plus target records).
/// </remarks>
public sealed class TestDnsServer : IAsyncDisposable
{
    /// <summary>
    /// Names under this zone never resolve: unbound forwards them to a <see cref="SilentUdpPort"/> and keeps
    /// retrying it for longer than 30 s (checked with unbound 1.17), so a client sees a timeout, not a SERVFAIL.
    /// </summary>
    public const string TimeoutZone = "timeout.test";

    /// <summary>Records under this zone are served from a zone file, where CNAMEs are followed.</summary>
    public const string ChasedZone = "chased.test";

    private const string Binary = "/usr/sbin/unbound";
    private const int TxtStringBytes = 255; // RFC 1035 §3.3: a <character-string> is one length byte and up to 255 bytes
    private static readonly string[] DefaultZones = ["test.", "in-addr.arpa.", "ip6.arpa."];
    private readonly Process _process;
    private readonly string _directory;
    private readonly SilentUdpPort _silent;

    private TestDnsServer(Process process, string directory, IPEndPoint endPoint, SilentUdpPort silent)
    {
        _process = process;
        _directory = directory;
        _silent = silent;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The quoted <c>dns.servers</c> entry, for a HOCON block.</summary>
    public string Server => $"\"{EndPoint}\"";

    /// <summary>Starts unbound with <paramref name="records"/> in its zones; resolves when it takes queries.</summary>
    /// <param name="records">Zone lines such as "alpha.test. MX 10 mx1.alpha.test." (see <see cref="Txt"/> for TXT).</param>
    /// <param name="zones">Zones served beside test., in-addr.arpa. and ip6.arpa., such as "example.": NXDOMAIN for what is not given.</param>
    /// <exception cref="InvalidOperationException">unbound is not installed.</exception>
    public static async Task<TestDnsServer> StartAsync(IEnumerable<string> records, IEnumerable<string>? zones = null)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: apt-get install unbound (.ci/run does)");
        var directory = Path.Combine(Path.GetTempPath(), "test-unbound-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var endPoint = new IPEndPoint(IPAddress.Loopback, FreePort.Dns());
        var silent = new SilentUdpPort();
        var config = Path.Combine(directory, "unbound.conf");
        var allZones = DefaultZones.Concat((zones ?? []).Select(zone => zone.EndsWith('.') ? zone : zone + "."));
        var (chased, local) = Partition(records);
        await File.WriteAllTextAsync(Path.Combine(directory, "chased.zone"), ZoneFile(chased));
        await File.WriteAllTextAsync(config, Config(directory, endPoint, silent.EndPoint, allZones, local));
        var start = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-d", "-c", config])
            start.ArgumentList.Add(argument);
        var server = new TestDnsServer(Process.Start(start)!, directory, endPoint, silent);
        try
        {
            await FreePort.WaitUntilListeningAsync(endPoint, TimeSpan.FromSeconds(10)); // TCP opens with UDP
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A TXT record line whose value is split into strings of at most 255 bytes (a 2048-bit DKIM key is longer);
    /// a reader joins them again (RFC 7208 §3.3, RFC 6376 §3.6.2.2). The value is ASCII.
    /// </summary>
    public static string Txt(string name, string value)
    {
        var strings = value.Chunk(TxtStringBytes).Select(chunk => $"\"{Escape(new string(chunk))}\"");
        return $"{name} TXT {string.Join(' ', strings.DefaultIfEmpty("\"\""))}";
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static (List<string> Chased, List<string> Local) Partition(IEnumerable<string> records)
    {
        var all = records.ToList();
        return (all.Where(IsChased).ToList(), all.Where(record => !IsChased(record)).ToList());
    }

    private static bool IsChased(string record)
    {
        var owner = record.Split(' ', 2)[0].TrimEnd('.');
        return owner.Equals(ChasedZone, StringComparison.OrdinalIgnoreCase) || owner.EndsWith("." + ChasedZone, StringComparison.OrdinalIgnoreCase);
    }

    private static string ZoneFile(IEnumerable<string> records) =>
        $"$TTL 300\n{ChasedZone}. SOA ns.{ChasedZone}. hostmaster.{ChasedZone}. 1 3600 600 86400 30\n" +
        $"{ChasedZone}. NS ns.{ChasedZone}.\nns.{ChasedZone}. A 127.0.0.1\n" + string.Concat(records.Select(record => record + "\n"));

    private static string Config(string directory, IPEndPoint endPoint, IPEndPoint silent, IEnumerable<string> zones, IEnumerable<string> local)
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
              local-zone: "{TimeoutZone}." transparent
              local-zone: "{ChasedZone}." transparent

            """);
        foreach (var zone in zones)
            text.Append($"  local-zone: \"{zone}\" static\n");
        foreach (var record in local)
            text.Append(record.Contains('"') ? $"  local-data: '{record}'\n" : $"  local-data: \"{record}\"\n");
        // The zone that times out: forwarded to a port that takes the queries and never answers.
        text.Append($"forward-zone:\n  name: \"{TimeoutZone}.\"\n  forward-addr: {silent.Address}@{silent.Port}\n");
        // for-upstream only: answered through the iterator, which chases CNAMEs (for-downstream answers do not).
        text.Append($"auth-zone:\n  name: \"{ChasedZone}.\"\n  zonefile: \"{Path.Combine(directory, "chased.zone")}\"\n" +
                    "  for-downstream: no\n  for-upstream: yes\n  fallback-enabled: no\n");
        text.Append("remote-control:\n  control-enable: no\n");
        return text.ToString();
    }

    /// <summary>Stops unbound now (a test of what is answered without it); disposing later is still fine.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        _silent.Dispose();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}

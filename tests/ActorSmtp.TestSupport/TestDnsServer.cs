using System.Diagnostics;
using System.Net;
using System.Text;

namespace ActorSmtp.TestSupport;

/// <summary>
/// Debian's unbound on 127.0.0.1 at a free port, answering only from a generated zone (local-data): a real DNS
/// server for the tests. Names under <c>test.</c>, in-addr.arpa., ip6.arpa. and the extra zones it was not given
/// are NXDOMAIN; names under <see cref="TimeoutZone"/> are forwarded to a port that never answers. Killed on dispose.
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
    private readonly Process _process;
    private readonly string _directory;
    private readonly SilentUdpPort _silent;
    private readonly StringBuilder _log = new(); // unbound's stderr, for the error when it does not start

    private TestDnsServer(Process process, string directory, IPEndPoint endPoint, SilentUdpPort silent)
    {
        _process = process;
        _directory = directory;
        _silent = silent;
        EndPoint = endPoint;
        _process.ErrorDataReceived += (_, line) => { lock (_log) _log.AppendLine(line.Data); };
        _process.BeginErrorReadLine();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The quoted <c>dns.servers</c> entry, for a HOCON block.</summary>
    public string Server => $"\"{EndPoint}\"";

    /// <summary>Starts unbound with <paramref name="records"/> in its zones; resolves when it takes queries.</summary>
    /// <param name="records">Zone lines such as "alpha.test. MX 10 mx1.alpha.test." (see <see cref="Txt"/> for TXT).</param>
    /// <param name="zones">Zones served beside test., in-addr.arpa. and ip6.arpa., such as "example.": NXDOMAIN for what is not given.</param>
    /// <exception cref="InvalidOperationException">unbound is not installed, or refused the config (its words are in the message).</exception>
    public static async Task<TestDnsServer> StartAsync(IEnumerable<string> records, IEnumerable<string>? zones = null)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: apt-get install unbound (.ci/run does)");
        var directory = Path.Combine(Path.GetTempPath(), "test-unbound-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var endPoint = new IPEndPoint(IPAddress.Loopback, FreePort.Dns());
        var silent = new SilentUdpPort();
        var config = await UnboundConfig.WriteAsync(directory, endPoint, silent.EndPoint, zones, records);
        var start = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-d", "-c", config])
            start.ArgumentList.Add(argument);
        var server = new TestDnsServer(Process.Start(start)!, directory, endPoint, silent);
        try
        {
            await server.WaitUntilListeningAsync();
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
    public static string Txt(string name, string value) =>
        TxtStrings(name, value.Chunk(TxtStringBytes).Select(chunk => new string(chunk)));

    /// <summary>A TXT record line of exactly these strings (each at most 255 bytes), quotes and backslashes escaped.</summary>
    public static string TxtStrings(string name, IEnumerable<string> strings) =>
        $"{name} TXT {string.Join(' ', strings.Select(text => $"\"{Escape(text)}\"").DefaultIfEmpty("\"\""))}";

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private async Task WaitUntilListeningAsync()
    {
        var listening = FreePort.WaitUntilListeningAsync(EndPoint, TimeSpan.FromSeconds(10)); // TCP opens with UDP
        if (await Task.WhenAny(listening, _process.WaitForExitAsync()) != listening)
        {
            await _process.WaitForExitAsync(); // the stderr lines are all read
            lock (_log)
                throw new InvalidOperationException($"unbound exited with {_process.ExitCode}: {_log.ToString().Trim()}");
        }
        await listening;
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

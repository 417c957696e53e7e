using System.Diagnostics;
using System.Net;

namespace ActorSmtp.Sinks.Relay.Tests.Support;

/// <summary>
/// Debian's unbound on 127.0.0.1 at a free port, answering only from a generated zone (local-data): a real DNS
/// server for the MX lookups. Names under <c>test.</c> it was not given are NXDOMAIN. Killed on dispose.
/// </summary>
internal sealed class UnboundProcess : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/unbound";
    private readonly Process _process;
    private readonly string _directory;

    private UnboundProcess(Process process, string directory, IPEndPoint endPoint)
    {
        _process = process;
        _directory = directory;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The dns.servers entry for the relay block.</summary>
    public string Server => $"\"{EndPoint}\"";

    /// <param name="records">Zone lines such as "alpha.test. MX 10 mx1.alpha.test.".</param>
    public static async Task<UnboundProcess> StartAsync(IEnumerable<string> records)
    {
        if (!System.IO.File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: apt-get install unbound (.ci/run does)");
        var directory = Path.Combine(Path.GetTempPath(), "relay-unbound-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var endPoint = new IPEndPoint(IPAddress.Loopback, FreePort.Dns());
        var config = Path.Combine(directory, "unbound.conf");
        await System.IO.File.WriteAllTextAsync(config, Config(directory, endPoint, records));
        var start = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-d", "-c", config])
            start.ArgumentList.Add(argument);
        var unbound = new UnboundProcess(Process.Start(start)!, directory, endPoint);
        try
        {
            await FreePort.WaitUntilListeningAsync(endPoint, TimeSpan.FromSeconds(10)); // TCP opens with UDP
            return unbound;
        }
        catch
        {
            await unbound.DisposeAsync();
            throw;
        }
    }

    private static string Config(string directory, IPEndPoint endPoint, IEnumerable<string> records) => $"""
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
          local-zone: "test." static
        {string.Concat(records.Select(record => $"  local-data: \"{record}\"\n"))}remote-control:
          control-enable: no

        """;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;

namespace ActorSmtp.Sinks.Relay.Tests.Support;

/// <summary>
/// Postfix's smtp-sink on 127.0.0.1 (or another loopback address): a real, foreign SMTP server. It offers
/// PIPELINING and 8BITMIME but no CHUNKING, so relays to it take the DATA path; with a dump folder it writes each
/// message it received (unstuffed, LF line ends, behind its own X-* and Received: lines). Killed on dispose.
/// </summary>
internal sealed class SmtpSinkProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpSinkProcess(Process process, IPEndPoint endPoint, string dumps)
    {
        _process = process;
        EndPoint = endPoint;
        DumpDirectory = dumps;
    }

    public IPEndPoint EndPoint { get; }
    public int Port => EndPoint.Port;
    public string DumpDirectory { get; }

    /// <param name="options">More smtp-sink options, e.g. ["-f", "RCPT"] (refuse RCPT with 5xx) or ["-q", "."] (hang up after the data).</param>
    /// <param name="dump">False: keep nothing (for very large messages).</param>
    public static async Task<SmtpSinkProcess> StartAsync(IReadOnlyList<string>? options = null, IPAddress? address = null, int? port = null, bool dump = true)
    {
        var dumps = Path.Combine(Path.GetTempPath(), "relay-smtp-sink-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dumps);
        if (!OperatingSystem.IsWindows())
            System.IO.File.SetUnixFileMode(dumps, (UnixFileMode)0x1FF); // smtp-sink drops root for nobody, who writes the dumps
        var endPoint = new IPEndPoint(address ?? IPAddress.Loopback, port ?? FreePort.Tcp(address ?? IPAddress.Loopback));
        var start = new ProcessStartInfo("/usr/sbin/smtp-sink")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Environment.UserName == "root")
            options = ["-u", "nobody", .. options ?? []];
        foreach (var argument in (IEnumerable<string>)[.. options ?? [], .. dump ? ["-d", $"{dumps}/%M."] : Array.Empty<string>(), endPoint.ToString()])
            start.ArgumentList.Add(argument);
        start.ArgumentList.Add("100"); // the listen backlog
        var process = Process.Start(start)!;
        var sink = new SmtpSinkProcess(process, endPoint, dumps);
        try
        {
            await FreePort.WaitUntilListeningAsync(endPoint, TimeSpan.FromSeconds(10));
            return sink;
        }
        catch
        {
            await sink.DisposeAsync();
            throw;
        }
    }

    /// <summary>The messages dumped so far, each as the text after smtp-sink's own trace lines.</summary>
    public IReadOnlyList<string> Messages() =>
        Directory.GetFiles(DumpDirectory, "*", SearchOption.AllDirectories).Order()
            .Select(path => Message(System.IO.File.ReadAllText(path, Encoding.Latin1))).ToList();

    public async Task<string> SingleMessageAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Messages().Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50); // written when "." arrived, maybe just after its reply
        return Xunit.Assert.Single(Messages());
    }

    // X-Client-Addr ... X-Rcpt-Args, then "Received: from ... by smtp-sink ...;\n\t<date>\n": the message follows.
    private static string Message(string dump)
    {
        var own = dump.IndexOf("(smtp-sink)", StringComparison.Ordinal);
        var end = dump.IndexOf('\n', dump.IndexOf(";\n", own, StringComparison.Ordinal) + 2);
        return dump[(end + 1)..];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        if (Directory.Exists(DumpDirectory))
            Directory.Delete(DumpDirectory, recursive: true);
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorSmtp.TestSupport;

/// <summary>The real executable (actorsmtp.dll, built beside the tests) run as a child process.</summary>
public sealed partial class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(string arguments, string workingDirectory, int? openFileLimit)
    {
        var command = $"\"{Executable}\" {arguments}";
        // Through a shell that sets the limit (soft and hard) and then becomes the host: the same process id.
        // env --default-signal=INT: a test run started in the background (CI, `cmd &`) has SIGINT ignored, the child
        // inherits that (POSIX, for asynchronous commands), and .NET leaves an ignored SIGINT ignored: Ctrl-C would
        // never reach the host. A user's terminal gives the host the default disposition; so does this.
        var start = openFileLimit is { } limit
            ? new ProcessStartInfo("bash", ["-c", $"ulimit -n {limit} && exec env --default-signal=INT dotnet {command}"])
            : new ProcessStartInfo("env", $"--default-signal=INT dotnet {command}");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = workingDirectory;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The executable's entry assembly, copied beside the tests by their reference to ActorSmtp.Host.</summary>
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "actorsmtp.dll");

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <param name="openFileLimit">RLIMIT_NOFILE for the host (as <c>ulimit -n</c>); null: inherited.</param>
    public static HostProcess Start(string arguments, string workingDirectory, int? openFileLimit = null) =>
        new(arguments, workingDirectory, openFileLimit);

    /// <summary>
    /// The file names of the assemblies the running host has loaded, as the kernel lists its mapped files
    /// (<c>/proc/PID/maps</c>): the runtime maps every assembly it loads, so this sees what the process really loaded,
    /// not what it references.
    /// </summary>
    public IReadOnlySet<string> LoadedAssemblies() =>
        File.ReadLines($"/proc/{_process.Id}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[^1].EndsWith(".dll", StringComparison.Ordinal))
            .Select(fields => Path.GetFileName(fields[^1]))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The port from the first "listening on 127.0.0.1:PORT" line.</summary>
    public Task<int> ListeningPortAsync() => _port.Task.WaitAsync(TimeSpan.FromSeconds(30));

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public int Id => _process.Id;

    /// <summary>Asks for a graceful stop, as systemd or Kubernetes would (SIGTERM).</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends a signal by name (TERM, INT for Ctrl-C) with kill(1).</summary>
    public void Signal(string name) => Process.Start("kill", [$"-{name}", _process.Id.ToString()])!.WaitForExit();

    /// <summary>Kills the process at once (SIGKILL, as kill -9): no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        var match = ListeningLine().Match(line);
        if (match.Success)
            _port.TrySetResult(int.Parse(match.Groups[1].Value));
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}

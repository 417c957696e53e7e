using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Azure.Storage.Blobs;
using Xunit;

namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>
/// A real Azurite blob service (npm <c>azurite</c>) on 127.0.0.1 and a free port: in memory, or on disk
/// in a folder of its own so that its blobs survive <see cref="StopAsync"/> and <see cref="StartAgainAsync"/>.
/// Disposing kills its whole process tree and deletes the folder.
/// </summary>
/// <remarks>
/// Found on PATH as <c>azurite-blob</c>, or in <c>&lt;repo&gt;/.tools/azurite</c>, where tests/run.sh
/// installs it. <c>--skipApiVersionCheck</c>: Azurite 3.35 (the newest on Node 20) knows service versions
/// up to 2025-11-05, the client defaults to a newer one.
/// </remarks>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>The well-known development account every Azurite has.</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string? _location;
    private readonly List<string> _output = [];
    private Process? _process;

    private Azurite(int port, string? location)
    {
        Port = port;
        _location = location;
    }

    public int Port { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{AccountName};";

    /// <summary>A connection string to a port where nothing listens (no Azurite at all).</summary>
    public static string UnreachableConnectionString() =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{FreePort()}/{AccountName};";

    /// <summary>The HOCON string literal of <see cref="ConnectionString"/>.</summary>
    public string ConnectionStringHocon => JsonSerializer.Serialize(ConnectionString);

    /// <param name="onDisk">Keep blobs in a temporary folder (they survive a restart) instead of in memory.</param>
    public static async Task<Azurite> StartAsync(bool onDisk = false)
    {
        string? location = null;
        if (onDisk)
            location = Directory.CreateTempSubdirectory("azurite-").FullName;
        var azurite = new Azurite(FreePort(), location);
        try
        {
            await azurite.StartAgainAsync();
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for tests to look at what was stored, without retries so failures show at once.</summary>
    public BlobContainerClient Container(string name)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        return new BlobContainerClient(ConnectionString, name, options);
    }

    /// <summary>Starts (again) on the same port, with the same folder.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false })
            throw new InvalidOperationException("Azurite is running");
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(), "--disableTelemetry", "--skipApiVersionCheck", "--silent" })
            start.ArgumentList.Add(argument);
        if (_location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(_location);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("azurite-blob did not start");
        process.OutputDataReceived += (_, line) => Remember(line.Data);
        process.ErrorDataReceived += (_, line) => Remember(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await AcceptsAsync(Port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"azurite-blob did not listen on {Port}: {string.Join(" | ", Output())}");
            await Task.Delay(100);
        }
    }

    /// <summary>Stops it as an operator would (SIGTERM: it saves its database and exits); killed if it lingers.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process || process.HasExited)
            return;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            _ = Kill(process.Id, Sigterm);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        while (await AcceptsAsync(Port))
            await Task.Delay(50);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // never started
            }
            process.Dispose();
        }
        if (_location is not null && Directory.Exists(_location))
            Directory.Delete(_location, recursive: true);
    }

    public IReadOnlyList<string> Output()
    {
        lock (_output)
            return _output.ToArray();
    }

    private void Remember(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 50)
                _output.RemoveAt(0);
        }
    }

    private static string Executable()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "azurite-blob");
            if (System.IO.File.Exists(candidate))
                return candidate;
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, ".tools", "azurite", "node_modules", ".bin", "azurite-blob");
            if (System.IO.File.Exists(candidate))
                return candidate;
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "ActorSmtp.sln")))
                break;
        }
        throw new InvalidOperationException(
            "azurite-blob not found on PATH nor in <repo>/.tools/azurite; tests/run.sh installs it (npm install --prefix .tools/azurite azurite@3.35)");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>One in-memory Azurite shared by the tests of a class; each test uses a container of its own.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;

    public async Task InitializeAsync() => Azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await Azurite.DisposeAsync();
}

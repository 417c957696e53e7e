using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>
/// A loopback TCP proxy in front of Azurite that forwards everything, except that once it sees a request
/// whose text contains <see cref="HoldMarker"/>, it holds that connection's responses until
/// <see cref="Release"/>: storage did the work, but its answer is late (a slow network, a lost reply).
/// </summary>
internal sealed class ResponseHoldingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _accepting;

    public ResponseHoldingProxy(int targetPort, string holdMarker)
    {
        _target = targetPort;
        HoldMarker = holdMarker;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string HoldMarker { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when a request with the marker went through and its response is being held.</summary>
    public Task Holding => _holding.Task;

    public string ConnectionString => $"DefaultEndpointsProtocol=http;AccountName={Azurite.AccountName};" +
        $"AccountKey={Azurite.AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{Azurite.AccountName};";

    public void Release() => _released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var requests = PumpAsync(client.GetStream(), server.GetStream(), chunk =>
            {
                if (Encoding.ASCII.GetString(chunk.Span).Contains(HoldMarker, StringComparison.Ordinal))
                    held.TrySetResult();
            }, null);
            var responses = PumpAsync(server.GetStream(), client.GetStream(), null, held.Task);
            await Task.WhenAny(requests, responses);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // A side closed, or the proxy stops: the connection ends.
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Action<ReadOnlyMemory<byte>>? inspect, Task? holdWhenDone)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            inspect?.Invoke(buffer.AsMemory(0, read));
            if (holdWhenDone is { IsCompleted: true } && !_released.Task.IsCompleted)
            {
                _holding.TrySetResult();
                await _released.Task.WaitAsync(_stop.Token);
            }
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}

using ActorSmtp.LoadTests.Clients;

namespace ActorSmtp.LoadTests.Running;

/// One simulated sender: a client connection reused for MessagesPerConnection messages,
/// reopened when needed. Any failure drops the connection, because after an unexpected
/// reply a pipelined dialogue can no longer be trusted to be in step.
internal sealed class LoadSession : IAsyncDisposable
{
    // After a failed connect, wait a little: a refused port would otherwise spin a core.
    private static readonly TimeSpan ConnectFailurePause = TimeSpan.FromMilliseconds(100);

    private readonly ScenarioRun _run;
    private readonly ILoadClient _client;
    private readonly Random _sizes;
    private int _sentOnConnection;

    public LoadSession(ScenarioRun run, int index)
    {
        _run = run;
        _client = run.NewClient();
        _sizes = new Random(index); // seeded: the same scenario sends the same size sequence
        run.SessionStarted();
    }

    /// How many more messages the open connection will carry before it is closed, or a new one would.
    public int MessagesLeftOnConnection =>
        _run.Settings.MessagesPerConnection - (_client.IsConnected ? _sentOnConnection : 0);

    /// Sends one message. <paramref name="due"/> is the timestamp the message counts from:
    /// now for a closed-model session, the scheduled time for an injected message.
    public async Task SendOneAsync(long due)
    {
        bool connecting = !_client.IsConnected;
        try
        {
            if (connecting)
            {
                await _client.ConnectAsync();
                _sentOnConnection = 0;
                connecting = false;
            }
            await _client.SendAsync(_run.Settings.Size.Pick(_sizes));
            _run.RecordSuccess(due);
            if (++_sentOnConnection >= _run.Settings.MessagesPerConnection)
                await _client.QuitAsync();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            _run.RecordFailure(error);
            _client.Abort();
            if (connecting)
                await Task.Delay(ConnectFailurePause, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        _run.SessionEnded();
    }
}

using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Host.Logging;

/// <summary>
/// Writes finished log lines to a stream from one background thread, a batch per write.
/// </summary>
/// <remarks>
/// The server logs a line per session, so at thousands of connections a second the console logger
/// from Microsoft.Extensions.Logging.Console (one write and one flush per line, and its thread woken for
/// each) cost about a third of the server's CPU per connection (load-tests/BENCHMARKS.md). Here a caller
/// only enqueues; the writer wakes when there is something to write, waits <see cref="BatchWindow"/> so
/// that lines logged meanwhile go out with the first, and writes them all at once. A line therefore reaches
/// the stream at most that long after it was logged; <see cref="Dispose"/> writes whatever is left.
/// The queue is bounded: when the output cannot keep up (a stalled pipe), lines beyond the bound are
/// dropped and counted, and a line saying how many follows once the output moves again. Blocking the
/// caller instead would stall the socket threads that log.
/// </remarks>
internal sealed class ConsoleLineWriter : IDisposable
{
    /// <summary>How long the writer gathers lines after the first one wakes it.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(10);

    /// <summary>Lines queued at most, by default.</summary>
    public const int DefaultCapacity = 100_000;

    private const int FlushAtBytes = 64 * 1024;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentQueue<string> _lines = new();
    // No spinning before blocking: the writer has nothing to do until a line or the window's end, and the
    // default spin (sched_yield in a loop) cost ~1 800 system calls a second under load.
    private readonly ManualResetEventSlim _wake = new(initialState: false, spinCount: 0);
    private readonly ManualResetEventSlim _stop = new(initialState: false, spinCount: 0);
    private readonly Stream _output;
    private readonly TimeSpan _window;
    private readonly Thread _thread;
    private readonly MemoryStream _batch = new();
    private readonly int _capacity;
    private int _idle; // 1 while the writer waits for _wake: only then does a caller set it
    private int _queued;
    private int _dropped;

    public ConsoleLineWriter(Stream output, TimeSpan? window = null, int capacity = DefaultCapacity)
    {
        _output = output;
        _window = window ?? BatchWindow;
        _capacity = capacity;
        _thread = new Thread(Run) { IsBackground = true, Name = "actorsmtp log writer" };
        _thread.Start();
    }

    /// <summary>Queues one line; <paramref name="line"/> ends with its newline.</summary>
    public void Write(string line)
    {
        if (Interlocked.Increment(ref _queued) > _capacity)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            return;
        }
        _lines.Enqueue(line);
        if (Volatile.Read(ref _idle) == 1 && Interlocked.Exchange(ref _idle, 0) == 1)
            _wake.Set();
    }

    public void Dispose()
    {
        if (_stop.IsSet)
            return;
        _stop.Set(); // ends the batch window at once
        _wake.Set();
        // A stalled stdout must not hang the host's shutdown: give up on what is still queued after a while
        // (the thread is a background thread; the events stay undisposed for it).
        if (!_thread.Join(StopTimeout))
            return;
        _wake.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            Interlocked.Exchange(ref _idle, 1); // a full fence: a line queued before it is seen below
            if (_lines.IsEmpty && !_stop.IsSet)
            {
                _wake.Wait();
                _wake.Reset(); // only the caller that saw _idle sets it, so no wake-up is lost here
            }
            Interlocked.Exchange(ref _idle, 0);
            _stop.Wait(_window); // under load this is what makes batches: one write per window
            WriteQueued();
            if (_stop.IsSet && _lines.IsEmpty)
                return;
        }
    }

    private void WriteQueued()
    {
        while (_lines.TryDequeue(out var line))
        {
            Interlocked.Decrement(ref _queued);
            AppendUtf8(line);
            if (_batch.Length >= FlushAtBytes)
                Flush();
        }
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
            AppendUtf8(LogLine.Format(DateTime.UtcNow, LogLevel.Warning, "ActorSmtp.Logging", 0, $"{dropped} log lines dropped: the output did not keep up", null));
        Flush();
    }

    private void AppendUtf8(string line)
    {
        var length = Encoding.UTF8.GetMaxByteCount(line.Length);
        var start = (int)_batch.Length;
        if (_batch.Capacity < start + length)
            _batch.Capacity = Math.Max(start + length, _batch.Capacity * 2);
        _batch.SetLength(start + length);
        var written = Encoding.UTF8.GetBytes(line, _batch.GetBuffer().AsSpan(start, length));
        _batch.SetLength(start + written);
    }

    private void Flush()
    {
        if (_batch.Length == 0)
            return;
        try
        {
            _output.Write(_batch.GetBuffer(), 0, (int)_batch.Length);
            _output.Flush();
        }
        catch (Exception)
        {
            // stdout closed (the reader went away) or unusable: logging must never take the server down, and
            // an exception here would end this thread and with it the process.
        }
        _batch.SetLength(0);
    }
}

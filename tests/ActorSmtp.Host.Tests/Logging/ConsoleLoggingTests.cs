using System.Text;
using ActorSmtp.Host.Logging;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ActorSmtp.Host.Tests.Logging;

public class ConsoleLoggingTests
{
    private static readonly DateTime At = new(2026, 11, 28, 21, 47, 14, 123, DateTimeKind.Utc);

    [Fact]
    public void A_line_has_the_simple_console_shape()
    {
        var line = LogLine.Format(At, LogLevel.Information, "ActorSmtp.Session", 3, "session 7 ended", null);

        Assert.Equal("2026-11-28T21:47:14.123 info: ActorSmtp.Session[3] session 7 ended\n", line);
    }

    [Theory]
    [InlineData(LogLevel.Warning, "warn")]
    [InlineData(LogLevel.Error, "fail")]
    [InlineData(LogLevel.Critical, "crit")]
    [InlineData(LogLevel.Debug, "dbug")]
    public void Levels_are_abbreviated_as_the_stock_console_logger_does(LogLevel level, string abbreviation)
    {
        Assert.Contains($" {abbreviation}: ", LogLine.Format(At, level, "c", 0, "m", null));
    }

    [Fact]
    public void Newlines_in_a_message_or_exception_are_folded_so_that_one_entry_is_one_line()
    {
        var line = LogLine.Format(At, LogLevel.Error, "c", 0, "first\r\nsecond\nthird", new InvalidOperationException("boom\nagain"));

        Assert.EndsWith("\n", line);
        Assert.DoesNotContain('\r', line);
        Assert.Equal(1, line.Count(c => c == '\n'));
        Assert.Contains("first second third System.InvalidOperationException: boom again", line);
    }

    [Fact]
    public void Lines_logged_while_the_writer_gathers_leave_in_one_write()
    {
        var output = new RecordingStream();
        using (var writer = new ConsoleLineWriter(output, window: TimeSpan.FromMinutes(10)))
        {
            for (var i = 0; i < 100; i++)
                writer.Write($"line {i}\n");
            Assert.Equal(0, output.Writes); // still gathering
        } // disposing ends the window and writes what is queued

        Assert.Equal(1, output.Writes);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"line {i}"), output.Lines());
    }

    [Fact]
    public void Every_line_from_many_threads_arrives_whole_and_in_each_threads_order()
    {
        var output = new RecordingStream();
        using (var writer = new ConsoleLineWriter(output, window: TimeSpan.FromMilliseconds(1)))
        {
            Parallel.For(0, 8, thread =>
            {
                for (var i = 0; i < 2000; i++)
                    writer.Write($"t{thread} {i} {new string('x', i % 50)}\n");
            });
        }

        var lines = output.Lines();
        Assert.Equal(16000, lines.Count);
        for (var thread = 0; thread < 8; thread++)
        {
            var mine = lines.Where(l => l.StartsWith($"t{thread} ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"t{thread} {i} {new string('x', i % 50)}"), mine);
        }
    }

    [Fact]
    public async Task A_line_reaches_the_output_without_waiting_for_more()
    {
        var output = new RecordingStream();
        using var writer = new ConsoleLineWriter(output, window: TimeSpan.FromMilliseconds(1));

        writer.Write("alone\n");

        for (var i = 0; i < 500 && output.Writes == 0; i++)
            await Task.Delay(10);
        Assert.Equal(["alone"], output.Lines());
    }

    [Fact]
    public void When_the_output_stalls_lines_beyond_the_bound_are_dropped_and_counted()
    {
        var output = new RecordingStream { Gate = new ManualResetEventSlim() };
        using (var writer = new ConsoleLineWriter(output, window: TimeSpan.FromMilliseconds(1), capacity: 10))
        {
            writer.Write("first\n");
            Assert.True(output.Entered.Wait(TimeSpan.FromSeconds(10))); // the writer is stuck in a write now
            for (var i = 0; i < 25; i++)
                writer.Write($"line {i}\n");
            output.Gate.Set();
        }

        var lines = output.Lines();
        Assert.Equal(["first", .. Enumerable.Range(0, 10).Select(i => $"line {i}")], lines.Take(11));
        Assert.EndsWith(" warn: ActorSmtp.Logging[0] 15 log lines dropped: the output did not keep up", Assert.Single(lines.Skip(11)));
    }

    [Fact]
    public async Task Disposing_does_not_hang_on_an_output_that_never_returns()
    {
        var output = new RecordingStream { Gate = new ManualResetEventSlim() }; // never set
        var writer = new ConsoleLineWriter(output, window: TimeSpan.FromMilliseconds(1));
        writer.Write("stuck\n");
        Assert.True(output.Entered.Wait(TimeSpan.FromSeconds(10)));

        await Task.Run(writer.Dispose).WaitAsync(TimeSpan.FromSeconds(30)); // throws TimeoutException if it hangs
        output.Gate.Set();
    }

    [Fact]
    public void A_closed_output_does_not_throw_into_the_logger()
    {
        var output = new RecordingStream { Broken = true };
        var writer = new ConsoleLineWriter(output, window: TimeSpan.FromMilliseconds(1));
        writer.Write("lost\n");

        writer.Dispose(); // would rethrow the IOException if the writer thread had died of it
        Assert.True(output.Attempts >= 1);
    }

    [Fact]
    public void The_provider_writes_entries_through_the_writer()
    {
        var output = new RecordingStream();
        using (var provider = new LineConsoleLoggerProvider(new ConsoleLineWriter(output, window: TimeSpan.FromMinutes(10))))
        {
            var logger = provider.CreateLogger("ActorSmtp.Test");
            logger.LogInformation("client {Client} said {Words}", "127.0.0.1:1", 3);
        }

        var line = Assert.Single(output.Lines());
        Assert.EndsWith(" info: ActorSmtp.Test[0] client 127.0.0.1:1 said 3", line);
    }

    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _written = new();
        public int Writes { get; private set; }
        public int Attempts { get; private set; }
        public bool Broken { get; init; }

        /// <summary>When set, a write waits for it (after setting <see cref="Entered"/>).</summary>
        public ManualResetEventSlim? Gate { get; init; }

        public ManualResetEventSlim Entered { get; } = new();

        public List<string> Lines()
        {
            lock (_written)
                return Encoding.UTF8.GetString(_written.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Attempts++;
            Entered.Set();
            Gate?.Wait();
            if (Broken)
                throw new IOException("Broken pipe");
            lock (_written)
            {
                _written.Write(buffer, offset, count);
                Writes++;
            }
        }

        public override void Flush()
        {
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using ActorSmtp.Sinks;
using ActorSmtp.Sinks.File;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Index;

/// <summary>
/// A real <see cref="FileSink"/> in an actor system writing real files to <see cref="MailDirectory"/>, and mailboxes
/// opened on that folder; everything is disposed and deleted after the test.
/// </summary>
public abstract class MailboxSpecBase : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorsmtp-mailbox-").FullName;
    private readonly List<Mailbox> _mailboxes = [];
    private IActorRef? _sink;

    protected MailboxSpecBase(ITestOutputHelper output)
        : base("akka.loglevel = WARNING", output)
    {
        MailDirectory = Path.Combine(_root, "mail");
        Logging = LoggerFactory.Create(builder => builder.AddProvider(Logged));
    }

    protected string MailDirectory { get; }

    protected LogLines Logged { get; } = new();

    protected ILoggerFactory Logging { get; }

    protected IActorRef Sink => _sink ??= Sys.ActorOf(Props.Create(typeof(FileSink),
        ConfigurationFactory.ParseString($"type = file\ndirectory = {JsonSerializer.Serialize(MailDirectory)}")));

    protected string IndexPath => Path.Combine(MailDirectory, ".mailbox.sqlite");

    /// <param name="system">Whose file sink's events it follows; default: this test kit's, where <see cref="Sink"/> runs.</param>
    protected async Task<Mailbox> OpenAsync(RetentionSettings? retention = null, ActorSystem? system = null)
    {
        var mailbox = await Mailbox.OpenAsync(system ?? Sys, MailDirectory, retention ?? RetentionSettings.Unlimited, Logging, CancellationToken.None);
        _mailboxes.Add(mailbox);
        return mailbox;
    }

    protected async Task CloseAsync(Mailbox mailbox)
    {
        _mailboxes.Remove(mailbox);
        await mailbox.DisposeAsync();
    }

    /// <summary>Stores through the sink and waits for its answer (the 250).</summary>
    protected async Task<TestMail> StoreAsync(TestMail mail)
    {
        var result = await Sink.Ask<SinkProtocol.Result>(mail.Store(), TimeSpan.FromSeconds(10));
        Xunit.Assert.IsType<SinkProtocol.Stored>(result);
        return mail;
    }

    protected async Task<TestMail[]> StoreManyAsync(int count, Func<int, TestMail>? mail = null)
    {
        var mails = Enumerable.Range(0, count).Select(i => mail?.Invoke(i) ?? new TestMail { Subject = $"Message {i}" }).ToArray();
        await Task.WhenAll(mails.Select(StoreAsync));
        return mails;
    }

    /// <summary>Until the mailbox lists <paramref name="count"/> messages (indexing follows the 250 closely, not synchronously).</summary>
    protected async Task<MessagePage> ListedAsync(Mailbox mailbox, int count, MessageQuery? query = null)
    {
        MessagePage page = new([], null);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            page = await mailbox.ListAsync(query ?? MessageQuery.All, 10_000, null, CancellationToken.None);
            if (page.Messages.Count == count)
                return page;
            await Task.Delay(50);
        }
        Xunit.Assert.Fail($"listed {page.Messages.Count} messages, expected {count}");
        return page;
    }

    /// <summary>The ids with both files in the folder, sorted.</summary>
    protected string[] StoredIds() => Directory.EnumerateFiles(MailDirectory, "*.eml")
        .Select(path => Path.GetFileNameWithoutExtension(path))
        .Where(id => File.Exists(Path.Combine(MailDirectory, id + ".json")))
        .Order(StringComparer.Ordinal).ToArray();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var mailbox in _mailboxes)
            await mailbox.DisposeAsync();
        Logging.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Every line logged, for assertions on what the mailbox says.</summary>
    protected sealed class LogLines : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(_lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}

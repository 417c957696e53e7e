using System.Text.Json;
using ActorSmtp.Sinks.File;
using Akka.Actor;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>
/// A TestKit with a temporary root directory; the sink writes to <see cref="MailDirectory"/> under it,
/// which does not exist until the sink creates it. Everything is deleted after the test.
/// </summary>
public abstract class FileSinkSpecBase : Akka.TestKit.Xunit2.TestKit
{
    private readonly TemporaryDirectory _root = new();

    protected FileSinkSpecBase(ITestOutputHelper output)
        : base("akka.loglevel = WARNING", output)
    {
        MailDirectory = Path.Combine(Root, "mail");
    }

    protected string Root => _root.Path;

    protected string MailDirectory { get; }

    protected string[] MailEntries => TemporaryDirectory.EntriesIn(MailDirectory);

    /// <summary>The sink's HOCON block, the way the server passes it.</summary>
    protected static Config SinkConfig(string directory) =>
        ConfigurationFactory.ParseString($"type = file\ndirectory = {JsonSerializer.Serialize(directory)}");

    /// <summary>A sink on <see cref="MailDirectory"/>, created as the server does, or with a substitute flush.</summary>
    /// <param name="temporaryFiles">The sink's <c>temporary-files</c>: unnamed (the default) or named.</param>
    private protected IActorRef CreateSink(DiskFlush? flush = null, string temporaryFiles = "unnamed")
    {
        var config = ConfigurationFactory.ParseString($"temporary-files = {temporaryFiles}").WithFallback(SinkConfig(MailDirectory));
        return flush is null
            ? Sys.ActorOf(Props.Create(typeof(FileSink), config))
            : Sys.ActorOf(Props.CreateBy(new WithFlush(config, flush)));
    }

    protected async Task<SinkProtocol.Stored> StoreAsync(IActorRef sink, SinkProtocol.Store store)
    {
        sink.Tell(store, TestActor);
        return await ExpectMsgAsync<SinkProtocol.Stored>(TimeSpan.FromSeconds(5));
    }

    protected byte[] StoredBytes(string id) => System.IO.File.ReadAllBytes(Path.Combine(MailDirectory, id + ".eml"));

    // Props.Create only reaches public constructors; this one takes the internal substitute flush.
    private sealed class WithFlush(Config config, DiskFlush flush) : IIndirectActorProducer
    {
        public Type ActorType => typeof(FileSink);

        public ActorBase Produce() => new FileSink(config, flush);

        public void Release(ActorBase actor)
        {
        }
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _root.Dispose();
    }
}

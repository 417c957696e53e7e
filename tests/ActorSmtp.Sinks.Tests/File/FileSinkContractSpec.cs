using System.Text.Json;
using ActorSmtp.Sinks.File;
using ActorSmtp.Sinks.Testing;
using Akka.Actor;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorSmtp.Sinks.Tests.File;

/// <summary>The sink contract against the file sink, configured as a user configures it, in a folder of its own.</summary>
public sealed class FileSinkContractSpec(ITestOutputHelper output) : SinkContract(output)
{
    private readonly TemporaryDirectory _root = new();

    private string MailDirectory => Path.Combine(_root.Path, "mail");

    protected override Props CreateSink() => Props.Create(typeof(FileSink),
        ConfigurationFactory.ParseString($"type = file\ndirectory = {JsonSerializer.Serialize(MailDirectory)}"));

    protected override async Task<byte[]?> ReadStoredAsync(SinkProtocol.Stored stored) =>
        System.IO.File.Exists(stored.Location) ? await System.IO.File.ReadAllBytesAsync(stored.Location) : null;

    // Hidden temporaries included: a failed store must not leave those behind either.
    protected override Task<IReadOnlyCollection<string>> ListStoredAsync() =>
        Task.FromResult<IReadOnlyCollection<string>>(TemporaryDirectory.EntriesIn(MailDirectory));

    protected override void AfterAll()
    {
        base.AfterAll();
        _root.Dispose();
    }
}

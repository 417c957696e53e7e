using ActorSmtp.Sinks.Testing;
using Akka.Actor;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorSmtp.Sinks.Tests;

/// <summary>The sink contract against the null sink: it answers as a sink must, and keeps nothing to read back.</summary>
public sealed class NullSinkContractSpec(ITestOutputHelper output) : SinkContract(output)
{
    protected override bool StoresContent => false;

    protected override Props CreateSink() => Props.Create(typeof(NullSink), ConfigurationFactory.ParseString("type = null"));

    protected override Task<byte[]?> ReadStoredAsync(SinkProtocol.Stored stored) => Task.FromResult<byte[]?>(null);

    protected override Task<IReadOnlyCollection<string>> ListStoredAsync() => Task.FromResult<IReadOnlyCollection<string>>([]);
}

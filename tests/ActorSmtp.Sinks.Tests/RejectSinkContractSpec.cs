using ActorSmtp.Sinks.Testing;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Sinks.Tests;

/// <summary>The sink contract against the reject sink, refusing for good (550): never Stored, answered once.</summary>
public sealed class RejectSinkContractSpec(ITestOutputHelper output) : SinkContract(output)
{
    protected override bool AcceptsMessages => false;

    protected override Props CreateSink() => Props.Create(typeof(RejectSink), ConfigurationFactory.ParseString("type = reject"));

    protected override Task<byte[]?> ReadStoredAsync(SinkProtocol.Stored stored) => Task.FromResult<byte[]?>(null);

    protected override Task<IReadOnlyCollection<string>> ListStoredAsync() => Task.FromResult<IReadOnlyCollection<string>>([]);

    [Fact]
    public async Task Refuses_with_the_configured_permanent_reply()
    {
        Sink.Tell(NewStore("R1", [], MessageBody.FromChunks()), TestActor);

        var refused = Assert.IsType<SinkProtocol.PermanentFailure>(await ExpectAnswerAsync("R1"));
        Assert.Equal((550, "5.7.1"), (refused.Code, refused.EnhancedCode));
    }
}

/// <summary>The sink contract against the reject sink in a maintenance window (451): a temporary refusal.</summary>
public sealed class TemporaryRejectSinkContractSpec(ITestOutputHelper output) : SinkContract(output)
{
    protected override bool AcceptsMessages => false;

    protected override Props CreateSink() => Props.Create(typeof(RejectSink),
        ConfigurationFactory.ParseString("type = reject\ncode = 451\nmessage = \"4.3.2 Down for maintenance\""));

    protected override Task<byte[]?> ReadStoredAsync(SinkProtocol.Stored stored) => Task.FromResult<byte[]?>(null);

    protected override Task<IReadOnlyCollection<string>> ListStoredAsync() => Task.FromResult<IReadOnlyCollection<string>>([]);
}

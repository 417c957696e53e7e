using System.Text;
using ActorSmtp.Sinks.Relay.Tests.Support;
using ActorSmtp.Sinks.Testing;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Sinks.Relay.Tests;

/// <summary>An ActorSmtp upstream storing to its file sink, for one contract class.</summary>
public sealed class UpstreamFixture : IAsyncLifetime
{
    public TestServer Upstream { get; private set; } = null!;

    public async Task InitializeAsync() => Upstream = await TestServer.StartAsync("actorsmtp.limits.max-message-size = 64MiB");

    public async Task DisposeAsync() => await Upstream.DisposeAsync();
}

/// <summary>
/// The sink contract against the relay sink and a real ActorSmtp upstream. What the upstream stored is read back
/// without the one Received: header the relay adds (RFC 5321 §4.4): every other byte must be the client's.
/// </summary>
public sealed class RelaySinkContractSpec : SinkContract, IClassFixture<UpstreamFixture>
{
    private readonly TestServer _upstream;
    private readonly HashSet<string> _before;

    public RelaySinkContractSpec(UpstreamFixture fixture, ITestOutputHelper output) : base(output)
    {
        _upstream = fixture.Upstream;
        _before = _upstream.StoredMessages().Keys.ToHashSet(); // the facts of a class run one by one
    }

    // A store whose end of data reached the upstream is a delivery: past the deadline the relay sends no end, but an
    // upstream that answers the end too late has the message anyway (SMTP's duplicate, RFC 5321 §6.1, never a loss).
    protected override bool TakesBackLateStores => false;

    protected override Props CreateSink() => RelayBlocks.Props(RelayBlocks.Smarthost(_upstream.EndPoint.Port));

    protected override Task<byte[]?> ReadStoredAsync(SinkProtocol.Stored stored)
    {
        Assert.Equal($"smtp://127.0.0.1:{_upstream.EndPoint.Port}", stored.Location);
        var relayed = _upstream.StoredMessages().Values.FirstOrDefault(bytes => TraceOf(bytes)?.Contains($" id {stored.MessageId}") == true);
        return Task.FromResult(relayed is null ? null : relayed[Encoding.Latin1.GetByteCount(TraceOf(relayed)!)..]);
    }

    protected override Task<IReadOnlyCollection<string>> ListStoredAsync() =>
        Task.FromResult<IReadOnlyCollection<string>>(_upstream.StoredMessages().Keys.Where(id => !_before.Contains(id)).ToList());

    // The relay's header: "Received: from ...\r\n\tby ...\r\n[\tfor <...>]; date\r\n", the first field of the copy.
    private static string? TraceOf(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 1024));
        if (!text.StartsWith("Received: from ", StringComparison.Ordinal))
            return null;
        var end = text.IndexOf("\r\n", text.IndexOf("; ", StringComparison.Ordinal), StringComparison.Ordinal);
        return text[..(end + 2)];
    }
}

using ActorSmtp.Sinks;
using ActorSmtp.Sinks.Testing;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Samples.Tests.WebhookSink;

/// <summary>The sink contract against the webhook sample, posting to a real loopback HTTP endpoint.</summary>
public sealed class WebhookSinkContractSpec(ITestOutputHelper output) : SinkContract(output), IAsyncLifetime
{
    private WebhookEndpoint _endpoint = null!;

    public async Task InitializeAsync() => _endpoint = await WebhookEndpoint.StartAsync();

    public async Task DisposeAsync() => await _endpoint.DisposeAsync();

    protected override Props CreateSink() => Props.Create(typeof(Samples.WebhookSink.WebhookSink),
        ConfigurationFactory.ParseString($"url = \"{_endpoint.Url}\"\ntimeout = 20s\nsecret = \"contract\""));

    // A POST the receiver took is delivered, even when its response came after the deadline (at least once).
    protected override bool TakesBackLateStores => false;

    protected override Task<byte[]?> ReadStoredAsync(SinkProtocol.Stored stored) =>
        Task.FromResult(_endpoint.Received.TryGetValue(stored.MessageId, out var delivery) ? delivery.Message.Content : null);

    protected override Task<IReadOnlyCollection<string>> ListStoredAsync() =>
        Task.FromResult<IReadOnlyCollection<string>>(_endpoint.Received.Keys.ToArray());
}

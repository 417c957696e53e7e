using System.Collections.Concurrent;
using ActorSmtp.Sinks.Testing;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorSmtp.Sinks.Tests.Testing;

/// <summary>The contract suite is not vacuous: it fails sinks that break its rules.</summary>
public sealed class SinkContractSelfTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_sink_that_adds_a_final_CRLF_fails_the_exact_bytes_facts()
    {
        using var contract = new Contract(output, addCrLf: true, honourToken: true);

        await Assert.ThrowsAnyAsync<XunitException>(contract.Stores_8bit_bytes_and_lines_of_dots_as_they_are_without_adding_a_final_CRLF);
        await Assert.ThrowsAnyAsync<XunitException>(contract.Stores_an_empty_body_as_empty);
    }

    [Fact]
    public async Task A_sink_that_ignores_the_cancellation_token_fails_the_timeout_fact()
    {
        using var contract = new Contract(output, addCrLf: false, honourToken: false);

        await Assert.ThrowsAnyAsync<Exception>(contract.Honours_Store_Timeout_by_answering_a_failure_in_time_and_storing_nothing_even_later);
    }

    [Fact]
    public async Task A_correct_sink_passes()
    {
        using var contract = new Contract(output, addCrLf: false, honourToken: true);

        await contract.Stores_8bit_bytes_and_lines_of_dots_as_they_are_without_adding_a_final_CRLF();
        await contract.Honours_Store_Timeout_by_answering_a_failure_in_time_and_storing_nothing_even_later();
    }

    // Not public: xunit does not run it by itself; the facts above call its facts.
    private sealed class Contract(ITestOutputHelper output, bool addCrLf, bool honourToken) : SinkContract(output)
    {
        private ConcurrentDictionary<string, byte[]> Stored { get; } = new();

        protected override Props CreateSink() => Props.Create(() => new InMemorySink(Stored, addCrLf, honourToken));

        protected override Task<byte[]?> ReadStoredAsync(SinkProtocol.Stored stored) =>
            Task.FromResult(Stored.TryGetValue(stored.MessageId, out var bytes) ? bytes : null);

        protected override Task<IReadOnlyCollection<string>> ListStoredAsync() =>
            Task.FromResult<IReadOnlyCollection<string>>(Stored.Keys.ToArray());
    }

    private sealed class InMemorySink(ConcurrentDictionary<string, byte[]> stored, bool addCrLf, bool honourToken) : MessageSinkActor
    {
        protected override async Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken)
        {
            var bytes = new List<byte>();
            await foreach (var chunk in store.Body.ReadAllAsync(honourToken ? cancellationToken : CancellationToken.None))
                bytes.AddRange(chunk.ToArray());
            if (addCrLf)
                bytes.AddRange("\r\n"u8.ToArray());
            stored[store.MessageId] = bytes.ToArray();
            return new SinkProtocol.Stored(store.MessageId, "memory:" + store.MessageId);
        }
    }
}

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

        await Assert.ThrowsAnyAsync<Exception>(contract.Honours_Store_Timeout_from_the_end_of_data_and_stores_nothing_after_a_late_failure);
    }

    [Fact]
    public async Task A_sink_whose_timeout_runs_from_the_Store_fails_the_slow_body_fact()
    {
        using var contract = new Contract(output, addCrLf: false, honourToken: true, timeoutFromStore: true);

        await Assert.ThrowsAnyAsync<Exception>(contract.Does_not_time_out_while_the_body_is_still_arriving);
    }

    [Fact]
    public async Task A_correct_sink_passes()
    {
        using var contract = new Contract(output, addCrLf: false, honourToken: true);

        await contract.Stores_8bit_bytes_and_lines_of_dots_as_they_are_without_adding_a_final_CRLF();
        await contract.Honours_Store_Timeout_from_the_end_of_data_and_stores_nothing_after_a_late_failure();
        await contract.Does_not_time_out_while_the_body_is_still_arriving();
        await contract.Answers_Abandoned_with_the_cause_when_the_client_broke_the_body_off();
    }

    // Not public: xunit does not run it by itself; the facts above call its facts.
    private sealed class Contract(ITestOutputHelper output, bool addCrLf, bool honourToken, bool timeoutFromStore = false)
        : SinkContract(output)
    {
        private ConcurrentDictionary<string, byte[]> Stored { get; } = new();

        protected override Props CreateSink() => Props.Create(() => new InMemorySink(Stored, addCrLf, honourToken, timeoutFromStore));

        protected override Task<byte[]?> ReadStoredAsync(SinkProtocol.Stored stored) =>
            Task.FromResult(Stored.TryGetValue(stored.MessageId, out var bytes) ? bytes : null);

        protected override Task<IReadOnlyCollection<string>> ListStoredAsync() =>
            Task.FromResult<IReadOnlyCollection<string>>(Stored.Keys.ToArray());
    }

    private sealed class InMemorySink(ConcurrentDictionary<string, byte[]> stored, bool addCrLf, bool honourToken, bool timeoutFromStore)
        : MessageSinkActor
    {
        protected override async Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken)
        {
            using var fromStore = new CancellationTokenSource(timeoutFromStore ? store.Timeout ?? Timeout.InfiniteTimeSpan : Timeout.InfiniteTimeSpan);
            var token = !honourToken ? CancellationToken.None : timeoutFromStore ? fromStore.Token : cancellationToken;
            var bytes = new List<byte>();
            await foreach (var chunk in store.Body.ReadAllAsync(token))
                bytes.AddRange(chunk.ToArray());
            await Task.Delay(20, token); // its storage takes a moment
            if (addCrLf)
                bytes.AddRange("\r\n"u8.ToArray());
            stored[store.MessageId] = bytes.ToArray();
            return new SinkProtocol.Stored(store.MessageId, "memory:" + store.MessageId);
        }
    }
}

using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorSmtp.Sinks.Testing;

/// <summary>Makes <see cref="ContractTestCase"/>s for <see cref="ContractFactAttribute"/> methods.</summary>
public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
    [
        new ContractTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod),
    ];
}

/// <summary>A fact whose <see cref="ContractSkipException"/> is reported as a skip, not a failure.</summary>
public sealed class ContractTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ContractTestCase()
    {
    }

    public ContractTestCase(
        IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay,
        TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    public override async Task<RunSummary> RunAsync(
        IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments,
        ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        var skipping = new SkippingMessageBus(messageBus);
        var summary = await base.RunAsync(diagnosticMessageSink, skipping, constructorArguments, aggregator, cancellationTokenSource);
        summary.Failed -= skipping.Skipped;
        summary.Skipped += skipping.Skipped;
        return summary;
    }

    private sealed class SkippingMessageBus(IMessageBus inner) : IMessageBus
    {
        private static readonly string SkipType = typeof(ContractSkipException).FullName!;

        public int Skipped { get; private set; }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestFailed failed && failed.ExceptionTypes.FirstOrDefault() == SkipType)
            {
                Skipped++;
                return inner.QueueMessage(new TestSkipped(failed.Test, failed.Messages.FirstOrDefault() ?? "does not apply"));
            }
            return inner.QueueMessage(message);
        }

        public void Dispose()
        {
        }
    }
}

using Xunit;
using Xunit.Sdk;

namespace ActorSmtp.Sinks.Testing;

/// <summary>
/// A fact of the sink contract. It may skip itself while running, through <see cref="SinkContract.SkipUnless"/>,
/// when a knob of the concrete suite says the rule does not apply to that sink (xunit 2 only skips statically).
/// </summary>
[XunitTestCaseDiscoverer("ActorSmtp.Sinks.Testing.ContractFactDiscoverer", "ActorSmtp.Sinks.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>Thrown by a contract fact that does not apply to the sink under test; reported as skipped.</summary>
public sealed class ContractSkipException(string reason) : Exception(reason);

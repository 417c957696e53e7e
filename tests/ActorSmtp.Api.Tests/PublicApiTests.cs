using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Sinks;
using PublicApiGenerator;
using Xunit;

namespace ActorSmtp.Api.Tests;

/// <summary>
/// What a sink or authenticator author and an embedding application see, as text: a public member added,
/// removed or changed fails here until its approved file is updated, so the change shows up in review.
/// </summary>
public sealed class PublicApiTests
{
    // Assembly attributes too: which assemblies see the contract's internals is part of what it promises.
    private static readonly ApiGeneratorOptions Options = new() { IncludeAssemblyAttributes = true };

    [Fact]
    public void The_contract_for_sink_and_authenticator_authors_is_approved() =>
        ApprovedText.Verify("ActorSmtp.Abstractions", typeof(MessageSinkActor).Assembly.GeneratePublicApi(Options));

    [Fact]
    public void The_hosting_extensions_are_approved()
    {
        // The hosting namespace and the catalog its WithActorSmtp hands out to register sinks; the rest of the
        // server's public types are its settings, seen through these.
        var hosting = typeof(ActorSmtpHostingExtensions).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == typeof(ActorSmtpHostingExtensions).Namespace)
            .Append(typeof(SinkCatalog)).ToArray();
        ApprovedText.Verify("ActorSmtp.Server.Hosting", hosting.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }));
    }
}

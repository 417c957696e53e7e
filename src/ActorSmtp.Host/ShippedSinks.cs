using ActorSmtp.Policies.Http;
using ActorSmtp.Policies.Recipients;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Sinks.AzureBlob;
using ActorSmtp.Sinks.File;
using ActorSmtp.Sinks.Relay;

namespace ActorSmtp.Host;

/// <summary>
/// The sink and policy types the <c>actorsmtp</c> executable offers: the server's own (null, reject, fan-out) and the three
/// sink assemblies it ships with, registered here by class so the build sees the dependency (the server names
/// none of them). Their known keys are those of their blocks in hocon/actorsmtp.reference.conf, and each checks its
/// own block (<see cref="ActorSmtp.Sinks.IValidatesConfig"/>).
/// </summary>
internal static class ShippedSinks
{
    public static SinkCatalog Catalog()
    {
        var catalog = new SinkCatalog()
            .Register<FileSink>("file")
            .Register<BlobSink>("azure-blob")
            .Register<RelaySink>("relay");
        catalog.Policies.Register<RecipientDirectoryPolicy>("recipients");
        catalog.Policies.Register<HttpPolicy>("http");
        return catalog;
    }
}

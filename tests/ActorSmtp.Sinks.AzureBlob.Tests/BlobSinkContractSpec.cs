using ActorSmtp.Sinks.Testing;
using Akka.Actor;
using Akka.Configuration;
using Azure;
using Azure.Storage.Blobs;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>
/// The sink contract against the blob sink on a real Azurite, a container per fact. Blocks of 64 KiB, so the
/// large and the failing bodies are staged in many blocks before their end (or their failure).
/// </summary>
public sealed class BlobSinkContractSpec(AzuriteFixture azurite, ITestOutputHelper output)
    : SinkContract(output), IClassFixture<AzuriteFixture>
{
    private readonly string _container = BlobTestData.NewContainer();

    private BlobContainerClient Container => azurite.Azurite.Container(_container);

    protected override Props CreateSink() => Props.Create(typeof(BlobSink), ConfigurationFactory.ParseString($"""
        type = azure-blob
        connection-string = {azurite.Azurite.ConnectionStringHocon}
        container = {_container}
        name-template = "{"{id}"}.eml"
        block-size = 64KiB
        """));

    protected override async Task<byte[]?> ReadStoredAsync(SinkProtocol.Stored stored)
    {
        var name = stored.MessageId + ".eml";
        Assert.EndsWith($"/{_container}/{name}", stored.Location);
        var blob = Container.GetBlobClient(name);
        return (await blob.ExistsAsync()).Value ? (await blob.DownloadContentAsync()).Value.Content.ToArray() : null;
    }

    // Committed blobs, sidecars included (uncommitted blocks are invisible, and Azure drops them).
    protected override async Task<IReadOnlyCollection<string>> ListStoredAsync()
    {
        var names = new List<string>();
        try
        {
            await foreach (var blob in Container.GetBlobsAsync())
                names.Add(blob.Name);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == "ContainerNotFound")
        {
        }
        return names;
    }
}

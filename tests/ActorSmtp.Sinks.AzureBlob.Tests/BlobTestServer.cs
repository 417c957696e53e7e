namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>
/// A <see cref="TestServer"/> on plain SMTP with the blob sink selected the way a user selects it:
/// <c>sink = blob</c>, <c>sinks.blob.type = azure-blob</c>.
/// </summary>
internal static class BlobTestServer
{
    /// <param name="sink">Settings of the blob sink block besides type, connection string and container.</param>
    /// <param name="hocon">Server settings layered over the test defaults.</param>
    public static Task<TestServer> StartAsync(Azurite azurite, string container, string sink = "", string hocon = "") =>
        TestServer.StartAsync($$"""
            actorsmtp {
              endpoints = [ { address = "127.0.0.1", port = 0, tls = none } ]
              sink = blob
              sinks.blob {
                type = azure-blob
                connection-string = {{azurite.ConnectionStringHocon}}
                container = {{container}}
                name-template = "{id}.eml"
                {{sink}}
              }
            }
            akka.loglevel = ERROR
            {{hocon}}
            """);
}

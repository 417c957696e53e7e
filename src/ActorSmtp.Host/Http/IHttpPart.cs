using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSmtp.Host.Http;

/// <summary>
/// A part of actorsmtp with routes of its own (the mailbox) that may share the metrics host: when it names the same
/// address and port, <see cref="HttpHosting"/> adds its services and routes there and says so with <see cref="SharedAt"/>.
/// </summary>
internal interface IHttpPart
{
    string Address { get; }

    int Port { get; }

    void AddServices(IServiceCollection services);

    void MapRoutes(WebApplication app);

    /// <summary>Its routes are served by another part's host, at <paramref name="url"/>: it starts none of its own.</summary>
    void SharedAt(Uri url);

    /// <summary>What runs it in the host, given the host's services (the actor system, logging).</summary>
    Microsoft.Extensions.Hosting.IHostedService Service(IServiceProvider services);
}

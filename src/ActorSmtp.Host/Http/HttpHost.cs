using System.Net;
using ActorSmtp.Server.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Host.Http;

/// <summary>
/// Kestrel on one address and port, serving the routes it is given (<see cref="HttpEndpoints"/> says which).
/// It runs inside the actorsmtp host rather than as it, so that nothing of ASP.NET Core starts while no HTTP
/// endpoint is enabled: no console lifetime of its own (the outer host owns the signals), no configuration
/// files, and its framework log lines only from Warning up (ours say where it listens).
/// </summary>
internal sealed class HttpHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpHost(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where it listens, as bound (a port of 0 resolved): <c>http://ADDRESS:PORT/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Binds and starts; an address or port that cannot be bound is a <see cref="SettingsException"/> on <paramref name="portKey"/>.</summary>
    /// <param name="services">Adds what the routes need (health checks, the meter provider).</param>
    /// <param name="routes">Maps the routes.</param>
    public static async Task<HttpHost> StartAsync(string address, int port, string portKey, ILoggerFactory logging,
        Action<IServiceCollection> services, Action<WebApplication> routes)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            Listen(kestrel, address, port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, OuterHostLifetime>();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(logging)).AddFilter("Microsoft", LogLevel.Warning);
        services(builder.Services);
        var app = builder.Build();
        routes(app);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new SettingsException(portKey, $"cannot listen on {address}:{port}: {ex.Message}", ex);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new HttpHost(app, new Uri(bound.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    // actorsmtp.metrics.address: an IP address, localhost, or * / + for every interface.
    private static void Listen(KestrelServerOptions kestrel, string address, int port)
    {
        Action<ListenOptions> http1 = o => o.Protocols = HttpProtocols.Http1; // h2 needs TLS; no warning about it
        if (address is "*" or "+")
            kestrel.ListenAnyIP(port, http1);
        else if (address == "localhost")
            kestrel.ListenLocalhost(port, http1);
        else
            kestrel.Listen(IPAddress.Parse(address), port, http1);
    }

    /// <summary>The outer host handles SIGTERM and Ctrl-C and stops this one; this one must not hook them too.</summary>
    private sealed class OuterHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Log lines go to the outer host's providers (one console writer, one format).</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory outer) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => outer.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}

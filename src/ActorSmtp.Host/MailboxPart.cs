using Akka.Actor;
using ActorSmtp.Host.Http;
using MailboxIndex = ActorSmtp.Mailbox.Mailbox;
using ActorSmtp.Mailbox.Api;
using ActorSmtp.Mailbox.Configuration;
using ActorSmtp.Mailbox.Release;
using ActorSmtp.Server.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Host;

/// <summary>
/// The mailbox in the running host: its HTTP host on <c>actorsmtp.mailbox.address:port</c> (or the metrics host, when
/// both name the same), bound before the index is opened so a port already taken stops start-up at once (exit 2),
/// then the index of the file sink's folder, opened once the actor system runs (it follows the sink's events).
/// Until it is open the API answers 503; <c>mailbox on http://ADDRESS:PORT</c> says when it is.
/// </summary>
/// <param name="failed">Where a start-up failure goes (a port already taken): told as one line, exit 2, as for the SMTP port.</param>
internal sealed class MailboxPart(MailboxSettings settings, ActorSmtpSettings server, Action<Exception> failed) : IHttpPart, IHostedService
{
    private MailboxIndex? _mailbox;
    private Uri? _shared;
    private HttpHost? _host;
    private IServiceProvider? _services;

    public string Address => settings.Address;

    public int Port => settings.Port;

    public void AddServices(IServiceCollection services) => services.AddMailboxApi(() => Volatile.Read(ref _mailbox), ReleaseTarget(), RunningFaults);

    /// <summary>The running server's fault rules (null before it runs, or with faults off): the routes exist before it.</summary>
    private ActorSmtp.Server.Faults.FaultBook? RunningFaults() =>
        _services?.GetService<ActorSystem>() is { } system && ActorSmtp.Server.Hosting.RunningServer.Of(system) is { } running
            ? running.Server.Faults : null;

    /// <summary>The release sink, looked up in the running server when a release asks (the routes exist before it runs).</summary>
    private ReleaseTarget? ReleaseTarget()
    {
        if (settings.ReleaseSink is not { } name)
            return null;
        return new ReleaseTarget(name, () => _services?.GetService<ActorSystem>() is { } system
                && ActorSmtp.Server.Hosting.RunningServer.Of(system) is { } running
                && running.Server.Sinks.Sinks.TryGetValue(name, out var sink) ? sink : null,
            server.SinkResponseDeadline);
    }

    public void MapRoutes(WebApplication app) => app.MapMailboxApi(settings);

    public void SharedAt(Uri url) => _shared = url;

    public IHostedService Service(IServiceProvider services)
    {
        _services = services;
        return this;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var services = _services ?? throw new InvalidOperationException("MailboxPart.Service first");
        var logging = services.GetRequiredService<ILoggerFactory>();
        if (_shared is null)
        {
            try
            {
                _host = await HttpHost.StartAsync(settings.Address, settings.Port, $"{MailboxSettings.Section}.port", logging, AddServices, MapRoutes)
                    .ConfigureAwait(false);
            }
            catch (SettingsException ex)
            {
                failed(ex);
                services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
                return;
            }
        }
        if (settings.ReleaseSink is { } release && !RelaysMail(release))
        {
            failed(new SettingsException($"{MailboxSettings.Section}.release-sink",
                $"must name a relay sink (type = relay); actorsmtp.sinks.{release} does not relay"));
            services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            return;
        }
        var url = _shared ?? _host!.Url;
        var log = logging.CreateLogger(typeof(MailboxPart).FullName!);
        if (!server.Sinks.ContainsKey(settings.Sink))
            log.LogWarning("mailbox: this node does not run sink {Sink}; it shows what {Directory} holds, and nothing new arrives there",
                settings.Sink, settings.Directory);
        var mailbox = await MailboxIndex.OpenAsync(services.GetRequiredService<ActorSystem>(), settings.Directory,
            settings.Retention, logging, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _mailbox, mailbox);
        log.LogInformation("mailbox on {Url}", url.ToString().TrimEnd('/')); // the start-up line
    }

    private bool RelaysMail(string sink) =>
        server.Sinks.TryGetValue(sink, out var settings) && settings.ActorType?.IsDefined(typeof(ActorSmtp.Sinks.RelaysMailAttribute), false) == true;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is not null)
            await _host.DisposeAsync().ConfigureAwait(false);
        // Before the actor system stops (hosted services stop in reverse order): the indexer is one of its actors.
        if (Interlocked.Exchange(ref _mailbox, null) is { } mailbox)
            await mailbox.DisposeAsync().ConfigureAwait(false);
    }
}

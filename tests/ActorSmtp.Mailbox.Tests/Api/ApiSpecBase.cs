using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ActorSmtp.Mailbox.Api;
using ActorSmtp.Mailbox.Configuration;
using ActorSmtp.Mailbox.Tests.Index;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Api;

/// <summary>
/// The mailbox API on Kestrel at 127.0.0.1:0, in-process, over a mailbox on a real file sink (<see cref="MailboxSpecBase"/>),
/// built as the host builds its HTTP hosts (the empty builder), and an <see cref="HttpClient"/> for it.
/// </summary>
public abstract class ApiSpecBase(ITestOutputHelper output) : MailboxSpecBase(output), Xunit.IAsyncLifetime
{
    private WebApplication? _app;
    private Mailbox? _mailbox;

    protected HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected Mailbox Box => _mailbox ?? throw new InvalidOperationException("StartApiAsync first");

    /// <summary>Opens the mailbox and serves it; <paramref name="users"/> turn basic auth on.</summary>
    /// <param name="system">Whose file sink it follows (a <see cref="TestServer"/>'s); default: the test kit's.</param>
    protected async Task StartApiAsync(IReadOnlyDictionary<string, string>? users = null, Akka.Actor.ActorSystem? system = null)
    {
        _mailbox = await OpenAsync(system: system);
        var settings = new MailboxSettings(true, "127.0.0.1", 0, "file", MailDirectory, users ?? new Dictionary<string, string>(), false, RetentionSettings.Unlimited);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Logging.AddProvider(Logged);
        builder.Services.AddMailboxApi(() => _mailbox);
        _app = builder.Build();
        _app.MapMailboxApi(settings);
        await _app.StartAsync();
        var bound = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Http.BaseAddress = new Uri(bound.TrimEnd('/') + "/api/v1/");
    }

    protected static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    async Task Xunit.IAsyncLifetime.DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
            await _app.DisposeAsync();
        await base.DisposeAsync();
    }
}

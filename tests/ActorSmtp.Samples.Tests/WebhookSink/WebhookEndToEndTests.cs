using System.Net;
using Akka.Actor;
using Akka.Hosting;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Listener;
using MailKit.Net.Smtp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using Xunit;

namespace ActorSmtp.Samples.Tests.WebhookSink;

/// <summary>The real server, in process, with the webhook sink registered both ways; MailKit sends, the endpoint receives.</summary>
public sealed class WebhookEndToEndTests : IAsyncLifetime
{
    private WebhookEndpoint _endpoint = null!;

    public async Task InitializeAsync() => _endpoint = await WebhookEndpoint.StartAsync();

    public async Task DisposeAsync() => await _endpoint.DisposeAsync();

    private string Hocon(string type) => $$"""
        actorsmtp {
          hostname = "mx.test"
          endpoints = [ { address = "127.0.0.1", port = 0, tls = none } ]
          sink = hooks
          sinks.hooks { type = "{{type}}", url = "{{_endpoint.Url}}", timeout = 10s, secret = "e2e" }
        }
        akka.loglevel = ERROR
        """;

    [Fact]
    public async Task Registered_in_code_through_Akka_Hosting_the_endpoint_gets_the_exact_bytes_and_the_envelope()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var config = ActorSmtpConfig.FromString(Hocon("webhook"));
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("webhook-e2e", (akka, _) => akka
            .AddHocon(config, HoconAddMode.Prepend)
            .WithActorSmtp(config, sinks => sinks
                .Register("webhook", cfg => Props.Create(() => new Samples.WebhookSink.WebhookSink(cfg, http)))));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            // The listener is registered in the ActorRegistry under an internal type; its path is public enough.
            var listener = await host.Services.GetRequiredService<ActorSystem>().ActorSelection("/user/smtp-listener")
                .ResolveOne(TimeSpan.FromSeconds(5));
            var status = await listener.Ask<ListenerProtocol.Status>(ListenerProtocol.GetStatus.Instance, TimeSpan.FromSeconds(5));

            await SendAndCheckAsync(status.EndPoints[0]);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Named_by_type_in_HOCON_the_endpoint_gets_the_message_and_its_refusal_reaches_the_client()
    {
        await using var server = await TestServer.StartAsync(Hocon("ActorSmtp.Samples.WebhookSink.WebhookSink, ActorSmtp.Samples.WebhookSink"));

        await SendAndCheckAsync(server.EndPoint);

        _endpoint.StatusCode = 422;
        using var client = await server.ConnectAsync();
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("refused")));
        Assert.Equal(554, (int)refused.StatusCode);
    }

    private async Task SendAndCheckAsync(IPEndPoint server)
    {
        var message = Message("Hello webhook");
        using var client = await SmtpClients.ConnectAsync(server);

        var response = await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var id = MimeMessages.QueuedId(response);
        var delivery = _endpoint.Received[id];
        Assert.Equal(MimeMessages.WireBytes(message), delivery.Message.Content);
        var envelope = delivery.EnvelopeJson;
        Assert.Equal("sender@example.test", envelope.GetProperty("mail-from").GetString());
        Assert.Equal(["rcpt@example.test"], envelope.GetProperty("rcpt-to").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(message.MessageId, envelope.GetProperty("message-id").GetString()?.Trim('<', '>'));
    }

    private static MimeMessage Message(string subject) =>
        MimeMessages.Create(subject, "Line one.\r\n.A line with a leading dot\r\n.\r\nLast line.");
}

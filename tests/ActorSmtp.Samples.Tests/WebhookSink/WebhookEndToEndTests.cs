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
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
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
        var config = ActorSmtpConfig.FromString(Hocon("ActorSmtp.Samples.WebhookSink.WebhookSink, ActorSmtp.Samples.WebhookSink"));
        using var system = ActorSystem.Create("webhook-hocon", config);
        var server = await ActorSmtpServer.StartAsync(system, ActorSmtpSettings.FromConfig(config));

        await SendAndCheckAsync(server.EndPoints[0]);

        _endpoint.StatusCode = 422;
        using var client = await ConnectAsync(server.EndPoints[0]);
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("refused")));
        Assert.Equal(554, (int)refused.StatusCode);
        await system.Terminate();
    }

    private async Task SendAndCheckAsync(IPEndPoint server)
    {
        var message = Message("Hello webhook");
        using var client = await ConnectAsync(server);

        var response = await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var id = response.Split(' ')[^1];
        var delivery = _endpoint.Received[id];
        Assert.Equal(WireBytes(message), delivery.Message.Content);
        var envelope = delivery.EnvelopeJson;
        Assert.Equal("sender@example.test", envelope.GetProperty("mail-from").GetString());
        Assert.Equal(["rcpt@example.test"], envelope.GetProperty("rcpt-to").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(message.MessageId, envelope.GetProperty("message-id").GetString()?.Trim('<', '>'));
    }

    private static async Task<SmtpClient> ConnectAsync(IPEndPoint server)
    {
        var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(server.Address.ToString(), server.Port, MailKit.Security.SecureSocketOptions.None);
        return client;
    }

    private static MimeMessage Message(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.test"));
        message.To.Add(MailboxAddress.Parse("rcpt@example.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Line one.\r\n.A line with a leading dot\r\n.\r\nLast line." };
        return message;
    }

    /// <summary>The bytes MailKit puts on the wire for the message, before dot-stuffing.</summary>
    private static byte[] WireBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }
}

using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using ActorSmtp.Sinks.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Samples.Tests.TenantPolicy;

public sealed class TenantPolicyContractSpec(ITestOutputHelper output) : PolicyContract(output)
{
    protected override Props CreatePolicy() => Props.Create(() => new Samples.TenantPolicy.TenantPolicy(
        ConfigurationFactory.ParseString("""tenants { acme = ["example.com"] }""")));
}

/// <summary>The sample policy configured by class name, as a user would, over real sockets.</summary>
public sealed class TenantPolicyEndToEndTests
{
    private static Task<TestServer> StartAsync() => TestServer.StartAsync($$"""
        actorsmtp.policies = [ {
          type = "{{typeof(Samples.TenantPolicy.TenantPolicy).AssemblyQualifiedName}}"
          tenants { acme = ["acme.example", "acme-corp.example"], globex = ["globex.example"] }
        } ]
        """);

    [Fact]
    public async Task Each_message_is_one_tenant_s_and_carries_its_tenant_in_the_envelope()
    {
        await using var server = await StartAsync();
        await using var client = await RawSmtpClient.GreetedAsync(server.EndPoint);
        await client.SendAsync("EHLO client.test\r\nMAIL FROM:<s@sender.test>\r\nRCPT TO:<a@acme.example>\r\nRCPT TO:<g@globex.example>\r\n" +
                               "RCPT TO:<b@acme-corp.example>\r\nRCPT TO:<x@nobody.example>\r\nDATA\r\n");
        await client.ExpectAsync("250 ");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        Assert.StartsWith("452 4.5.3", await client.ExpectAsync("452"));
        await client.ExpectAsync("250 2.1.5");
        Assert.Equal("550 5.1.2 <x@nobody.example>: no tenant receives mail for nobody.example", await client.ExpectAsync("550"));
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: acme\r\n\r\nbody\r\n.\r\n");
        await client.ExpectAsync("250 2.0.0");

        var (id, _) = Assert.Single(server.StoredMessages());
        var envelope = JsonDocument.Parse(File.ReadAllText(Path.Combine(server.MailDirectory, id + ".json"))).RootElement;
        Assert.Equal("acme", envelope.GetProperty("tags").GetProperty("tenant").GetString());
        Assert.Equal(["a@acme.example", "b@acme-corp.example"], envelope.GetProperty("rcpt-to").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void A_configuration_without_tenants_stops_start_up()
    {
        var config = ActorSmtp.Server.Hosting.ActorSmtpConfig.FromString(
            $$"""actorsmtp.policies = [ { type = "{{typeof(Samples.TenantPolicy.TenantPolicy).AssemblyQualifiedName}}" } ]""");
        var error = Assert.Throws<ActorSmtp.Server.Configuration.SettingsException>(
            () => ActorSmtp.Server.Configuration.ActorSmtpSettings.FromConfig(config, TestServer.Sinks()));
        Assert.Equal("actorsmtp.policies[0]", error.Key);
    }
}

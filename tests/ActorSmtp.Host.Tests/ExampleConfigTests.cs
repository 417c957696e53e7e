using ActorSmtp.Host;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Xunit;

namespace ActorSmtp.Host.Tests;

/// <summary>The shipped configuration files (hocon/examples, deploy/actorsmtp.conf): valid, and what they promise.</summary>
public sealed class ExampleConfigTests
{
    [Fact]
    public void Every_example_facing_the_internet_on_port_25_offers_starttls()
    {
        // RFC 3207: an MX that offers no STARTTLS makes every sender deliver in plaintext.
        var checkedAny = false;
        foreach (var example in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.conf"))
        {
            var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.Load(example), ShippedSinks.Catalog());
            foreach (var endpoint in settings.Endpoints.Where(e => e.Port == 25 && !e.IsLoopback))
            {
                checkedAny = true;
                Assert.True(endpoint.Tls == EndpointTls.StartTls, $"{Path.GetFileName(example)}: {endpoint.EndPoint} has tls = {endpoint.Tls}");
            }
        }
        Assert.True(checkedAny, "no example listens on port 25");
    }

    [Fact]
    public void Every_shipped_configuration_passes_the_strict_check()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.conf")
            .Append(Path.Combine(AppContext.BaseDirectory, "deploy", "actorsmtp.conf")).ToArray();
        Assert.True(files.Length > 10, string.Join(", ", files));
        foreach (var file in files)
            ActorSmtpSettings.FromConfig(ActorSmtpConfig.Load(file), ShippedSinks.Catalog());
        ActorSmtpSettings.FromConfig(ActorSmtpConfig.Reference, ShippedSinks.Catalog());
    }
}

using ActorSmtp.Host;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Dispatch;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.Server.Tests.Configuration;

public sealed class SettingsTests
{
    [Fact]
    public void Shipped_defaults_match_the_documented_contract()
    {
        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.Reference, ShippedSinks.Catalog());
        Assert.Equal("localhost", settings.Hostname);
        var endpoint = Assert.Single(settings.Endpoints);
        Assert.Equal("127.0.0.1:2525", endpoint.EndPoint.ToString());
        Assert.Equal(EndpointTls.StartTls, endpoint.Tls); // the embedded default offers STARTTLS
        Assert.True(settings.Tls.SelfSigned);
        Assert.Empty(settings.AcceptedDomains);
        Assert.Equal(25L * 1024 * 1024, settings.MaxMessageSize);
        Assert.Equal(1000, settings.MaxRecipients);
        Assert.Equal(10000, settings.MaxConnections);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.CommandTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.DataTimeout);
        Assert.Equal(20, settings.MaxErrors);
        Assert.Equal("file", settings.Sink);
        var file = settings.Sinks["file"];
        Assert.Equal("mail", file.Config.GetString("directory"));
        Assert.Equal("ActorSmtp.Sinks.File.FileSink", file.ActorType!.FullName);
        Assert.Equal(TimeSpan.FromSeconds(30), file.Timeout);
        Assert.Equal(new CircuitBreakerSettings(5, TimeSpan.FromSeconds(10)), file.CircuitBreaker);
        Assert.Null(file.Fallback);
        Assert.Single(settings.Sinks); // only the sinks in use are started
        Assert.Empty(settings.Routes);
    }

    [Theory]
    [InlineData("null", typeof(NullSink))]
    [InlineData("reject", typeof(RejectSink))]
    public void Bare_null_and_reject_name_the_built_in_sinks(string sink, Type expected)
    {
        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString($"actorsmtp.sink = {sink}"));
        Assert.Equal(expected, settings.Sinks[sink].ActorType);
    }

    [Fact]
    public void A_sink_dispatcher_must_exist()
    {
        var error = Assert.Throws<SettingsException>(() => ActorSmtpSettings.FromConfig(
            ActorSmtpConfig.FromString("actorsmtp.sinks.file.dispatcher = no.such.dispatcher"), ShippedSinks.Catalog()));
        Assert.Equal("actorsmtp.sinks.file.dispatcher", error.Key);
        Assert.Equal(CallingThreadDispatcher.ConfigPath,
            ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString("actorsmtp.sink = null")).Sinks["null"].Props!.Dispatcher);
    }

    [Fact]
    public void Custom_sink_type_must_be_an_actor_taking_its_config()
    {
        var error = Assert.Throws<SettingsException>(() => ActorSmtpSettings.FromConfig(
            ActorSmtpConfig.FromString($"actorsmtp.sinks.file.type = \"{typeof(string).AssemblyQualifiedName}\"")));
        Assert.Equal("actorsmtp.sinks.file.type", error.Key);
    }
}

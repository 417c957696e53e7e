using System.Net;
using ActorSmtp.Host.Cli;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Telemetry;
using Xunit;

namespace ActorSmtp.Server.Tests.Telemetry;

public sealed class TelemetrySettingsTests
{
    [Fact]
    public void Defaults_metrics_off_on_loopback_9025_sessions_logged_no_trace()
    {
        var settings = TelemetrySettings.FromConfig(ActorSmtpConfig.Reference);
        Assert.Equal(new MetricsSettings(false, "127.0.0.1", 9025), settings.Metrics);
        Assert.True(settings.LogSessions);
        Assert.False(settings.Trace.Applies(new IPEndPoint(IPAddress.Loopback, 2525), new IPEndPoint(IPAddress.Loopback, 40000)));
    }

    [Theory]
    [InlineData("enabled = on", "127.0.0.1:2525", "192.0.2.1:1", true)]
    [InlineData("endpoints = [2525]", "127.0.0.1:2525", "192.0.2.1:1", true)]
    [InlineData("endpoints = [2525]", "127.0.0.1:2526", "192.0.2.1:1", false)]
    [InlineData("endpoints = [\"127.0.0.1:2526\"]", "127.0.0.1:2526", "192.0.2.1:1", true)]
    [InlineData("endpoints = [\"10.0.0.1:2526\"]", "127.0.0.1:2526", "192.0.2.1:1", false)]
    [InlineData("clients = [\"192.0.2.0/24\"]", "127.0.0.1:2525", "192.0.2.77:1", true)]
    [InlineData("clients = [\"192.0.2.0/24\"]", "127.0.0.1:2525", "[::ffff:192.0.2.77]:1", true)]
    [InlineData("clients = [\"192.0.2.0/24\"]", "127.0.0.1:2525", "198.51.100.1:1", false)]
    [InlineData("clients = [\"198.51.100.1\"]", "127.0.0.1:2525", "198.51.100.1:1", true)]
    [InlineData("clients = [\"2001:db8::/32\"]", "127.0.0.1:2525", "[2001:db8::5]:1", true)]
    public void Trace_selects_sessions_by_endpoint_or_client(string trace, string local, string remote, bool traced)
    {
        var settings = TelemetrySettings.FromConfig(ActorSmtpConfig.FromString($"actorsmtp.trace {{ {trace} }}"));
        Assert.Equal(traced, settings.Trace.Applies(IPEndPoint.Parse(local), IPEndPoint.Parse(remote)));
    }

    [Theory]
    [InlineData("actorsmtp.metrics.port = 70000", "actorsmtp.metrics.port")]
    [InlineData("actorsmtp.metrics.address = \"not an address\"", "actorsmtp.metrics.address")]
    [InlineData("actorsmtp.trace.endpoints = [ \"x:y\" ]", "actorsmtp.trace.endpoints[0]")]
    [InlineData("actorsmtp.log-sessions = sometimes", "actorsmtp.log-sessions")]
    public void Invalid_settings_name_their_key(string hocon, string key)
    {
        var failure = Assert.Throws<SettingsException>(() => TelemetrySettings.FromConfig(ActorSmtpConfig.FromString(hocon)));
        Assert.Equal(key, failure.Key);
    }

    [Theory]
    [InlineData("AUTH PLAIN AGFsaWNlAHMzY3JldA==", "AUTH PLAIN <redacted>")]
    [InlineData("auth login YWxpY2U=", "auth login <redacted>")]
    [InlineData("AUTH LOGIN", "AUTH LOGIN")]
    [InlineData("AUTH PLAIN =", "AUTH PLAIN <redacted>")]
    [InlineData("AUTHX something", "AUTHX something")]
    [InlineData("MAIL FROM:<a@b.test>", "MAIL FROM:<a@b.test>")]
    public void Auth_initial_responses_are_redacted(string line, string traced) =>
        Assert.Equal(traced, SessionTelemetry.Redacted(line));

    [Theory]
    [InlineData("password", "s3cret", "<masked>")]
    [InlineData("password-hash", "pbkdf2-sha256$1$a$b", "<masked>")]
    [InlineData("password", "", "")]
    [InlineData("connection-string", "AccountName=a;AccountKey=abc==;EndpointSuffix=core.windows.net", "AccountName=a;AccountKey=<masked>;EndpointSuffix=core.windows.net")]
    [InlineData("connection-string", "BlobEndpoint=https://x/;SharedAccessSignature=sv=2020&sig=abc", "BlobEndpoint=https://x/;SharedAccessSignature=<masked>")]
    [InlineData("connection-string", "UseDevelopmentStorage=true", "UseDevelopmentStorage=true")]
    [InlineData("directory", "mail", "mail")]
    public void Check_config_masks_secrets(string key, string value, string shown) =>
        Assert.Equal(shown, MaskedConfig.Masked(key, value));
}

using ActorSmtp.Mailbox.Configuration;
using ActorSmtp.Server.Auth;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Sinks.File;
using Xunit;

namespace ActorSmtp.Mailbox.Tests.Configuration;

/// <summary><c>actorsmtp.mailbox</c> as the issue gives it, read strictly.</summary>
public sealed class MailboxSettingsTests
{
    private static readonly string Hash = PasswordHash.Create("pw");

    [Fact]
    public void The_defaults_serve_the_file_sinks_folder_on_loopback_8025_open_and_unbounded()
    {
        var settings = Read("");
        Assert.True(settings.Enabled);
        Assert.Equal(("127.0.0.1", 8025, "file"), (settings.Address, settings.Port, settings.Sink));
        Assert.Equal(Path.GetFullPath("mail"), settings.Directory);
        Assert.Empty(settings.Users);
        Assert.False(settings.AllowAnonymousRemote);
        Assert.Equal(RetentionSettings.Unlimited, settings.Retention);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var settings = Read($$"""
            actorsmtp.sinks.captured { type = file, directory = "/tmp/captured" }
            actorsmtp.mailbox {
              address = "0.0.0.0", port = 0, sink = captured
              auth.users = [ { name = "alice", password-hash = "{{Hash}}" } ]
              retention { max-messages = 100, max-age = 7d, max-size = 1GiB }
            }
            """);
        Assert.Equal(("0.0.0.0", 0, "captured", "/tmp/captured"), (settings.Address, settings.Port, settings.Sink, settings.Directory));
        Assert.Equal(Hash, settings.Users["alice"]);
        Assert.Equal(new RetentionSettings(100, TimeSpan.FromDays(7), 1L << 30), settings.Retention);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("*")]
    [InlineData("192.0.2.10")]
    [InlineData("::")]
    public void A_remote_address_with_no_users_refuses_to_start_naming_allow_anonymous_remote(string address)
    {
        var error = Assert.Throws<SettingsException>(() => Read($"actorsmtp.mailbox.address = \"{address}\""));
        Assert.Equal("actorsmtp.mailbox.allow-anonymous-remote", error.Key);
        Read($"actorsmtp.mailbox {{ address = \"{address}\", allow-anonymous-remote = on }}"); // said in so many words
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("localhost")]
    public void A_loopback_address_may_be_open(string address) => Read($"actorsmtp.mailbox.address = \"{address}\"");

    [Theory]
    [InlineData("actorsmtp.mailbox.sink = nowhere", "actorsmtp.mailbox.sink")]
    [InlineData("actorsmtp.mailbox.sink = reject", "actorsmtp.mailbox.sink")]
    [InlineData("actorsmtp.mailbox.sink = null", "actorsmtp.mailbox.sink")]
    [InlineData("actorsmtp.mailbox.address = \"mail.example\"", "actorsmtp.mailbox.address")]
    [InlineData("actorsmtp.mailbox.port = 70000", "actorsmtp.mailbox.port")]
    [InlineData("actorsmtp.mailbox.retention.max-messages = -1", "actorsmtp.mailbox.retention.max-messages")]
    [InlineData("actorsmtp.mailbox.retention.max-age = -1s", "actorsmtp.mailbox.retention.max-age")]
    [InlineData("actorsmtp.mailbox.enabled = maybe", "actorsmtp.mailbox.enabled")]
    [InlineData("actorsmtp.mailbox.auth.users = [ { name = \"alice\", password-hash = \"plaintext\" } ]", "actorsmtp.mailbox.auth.users[0].password-hash")]
    public void A_bad_value_names_its_key(string hocon, string key) =>
        Assert.Equal(key, Assert.Throws<SettingsException>(() => Read(hocon)).Key);

    [Theory]
    [InlineData("actorsmtp.mailbox.prot = 1", "actorsmtp.mailbox.prot")]
    [InlineData("actorsmtp.mailbox.retention.max-mesages = 1", "actorsmtp.mailbox.retention.max-mesages")]
    [InlineData("actorsmtp.mailbox.auth.users = [ { name = \"a\", password = \"pw\" } ]", "actorsmtp.mailbox.auth.users[0].password")]
    [InlineData("actorsmtp.mailbox.auth.users = \"alice\"", "actorsmtp.mailbox.auth.users")]
    public void An_unknown_key_or_a_wrong_shape_stops_start_up(string hocon, string key) =>
        Assert.Equal(key, Assert.Throws<SettingsException>(() => Read(hocon)).Key);

    private static MailboxSettings Read(string hocon)
    {
        var config = ActorSmtpConfig.FromString(hocon);
        ActorSmtpSettings.FromConfig(config, new SinkCatalog().Register<FileSink>("file")); // strict keys first, as the host does
        return MailboxSettings.FromConfig(config);
    }
}

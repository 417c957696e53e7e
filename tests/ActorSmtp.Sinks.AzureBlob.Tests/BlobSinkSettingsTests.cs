using Akka.Configuration;
using Azure.Storage.Blobs.Models;
using Xunit;
using static ActorSmtp.Sinks.Testing.TestMessages;

namespace ActorSmtp.Sinks.AzureBlob.Tests;

/// <summary>The HOCON contract of the sink: defaults, validation naming the key, the name template, metadata encoding.</summary>
public sealed class BlobSinkSettingsTests
{
    private static BlobSinkSettings Read(string hocon) => BlobSinkSettings.From(ConfigurationFactory.ParseString("type = azure-blob\n" + hocon));

    [Fact]
    public void Defaults_match_the_documented_contract()
    {
        var settings = Read("");
        Assert.Equal("UseDevelopmentStorage=true", settings.ConnectionString);
        Assert.Equal("mail", settings.Container);
        Assert.Equal("{yyyy}/{MM}/{dd}/{id}.eml", settings.Names.Template);
        Assert.Null(settings.AccessTier);
        Assert.Equal(4 * 1024 * 1024, settings.BlockSize);
        Assert.Equal(3, settings.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(200), settings.Delay);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.NetworkTimeout);
        Assert.Null(settings.ServiceVersion);
        Assert.Equal("mail", settings.CreateContainerClient().Name);
    }

    [Fact]
    public void The_reference_configuration_selects_this_sink_as_blob_with_the_same_defaults()
    {
        var server = ActorSmtp.Server.Configuration.ActorSmtpSettings.FromConfig(
            ActorSmtp.Server.Hosting.ActorSmtpConfig.FromString("actorsmtp.sink = blob"), TestServer.Sinks());
        var blob = server.Sinks["blob"];
        Assert.Equal(typeof(BlobSink), blob.ActorType);
        Assert.Equal(Read("") with { Names = null! }, BlobSinkSettings.From(blob.Config) with { Names = null! });
        Assert.Equal(NameTemplate.Default, BlobSinkSettings.From(blob.Config).Names.Template);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var settings = Read("""
            connection-string = "UseDevelopmentStorage=true"
            container = archive-1
            name-template = "{rcpt-domain}/{id}"
            access-tier = cold
            block-size = 1MiB
            service-version = "2025-11-05"
            retry { max-retries = 5, delay = 1s, max-delay = 10s, network-timeout = 2m }
            """);
        Assert.Equal("archive-1", settings.Container);
        Assert.Equal(AccessTier.Cold, settings.AccessTier);
        Assert.Equal(1024 * 1024, settings.BlockSize);
        Assert.Equal(5, settings.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.Delay);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.MaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.NetworkTimeout);
        Assert.Equal(Azure.Storage.Blobs.BlobClientOptions.ServiceVersion.V2025_11_05, settings.ServiceVersion);
    }

    [Theory]
    [InlineData("name-template = \"{yyyy}/{month}/{id}\"", "name-template", "{month}")]
    [InlineData("name-template = \"{yyyy}/{MM}.eml\"", "name-template", "{id}")]
    [InlineData("name-template = \"{yyyy}/{id\"", "name-template", "'{'")]
    [InlineData("name-template = \"{id}}\"", "name-template", "'}'")]
    [InlineData("name-template = \"{id}/\"", "name-template", "'/'")]
    [InlineData("container = Mail", "container", "Mail")]
    [InlineData("container = ab", "container", "ab")]
    [InlineData("access-tier = Lukewarm", "access-tier", "Lukewarm")]
    [InlineData("block-size = 8", "block-size", "8")]
    [InlineData("service-version = \"1999-01-01\"", "service-version", "1999-01-01")]
    [InlineData("retry.max-retries = -1", "retry.max-retries", "-1")]
    [InlineData("retry { delay = 2s, max-delay = 1s }", "retry.max-delay", "retry.delay")]
    [InlineData("connection-string = \"\"", "connection-string", "empty")]
    public void An_invalid_setting_names_its_key(string hocon, string key, string detail)
    {
        var error = Assert.Throws<ConfigurationException>(() => Read(hocon));
        Assert.Contains($"`{key}`", error.Message);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_without_echoing_it()
    {
        var settings = Read("connection-string = \"AccountName=x;AccountKey=c2VjcmV0;NoEndpoint\"");
        var error = Assert.Throws<ConfigurationException>(settings.CreateContainerClient);
        Assert.Contains("`connection-string`", error.Message);
        Assert.DoesNotContain("c2VjcmV0", error.Message);
    }

    [Fact]
    public void The_template_expands_every_token_from_the_envelope_in_utc()
    {
        var id = NewId();
        var envelope = Envelope(id, "x@Mail.Example.ORG", "y@other.example") with
        {
            ReceivedAt = new DateTimeOffset(2027, 1, 2, 23, 30, 0, TimeSpan.FromHours(-2)), // 2027-01-03T01:30Z
        };

        var name = NameTemplate.Parse("{yyyy}/{MM}/{dd}/{HH}/{rcpt-domain}/{id}.eml").Expand(envelope);

        Assert.Equal($"2027/01/03/01/mail.example.org/{id}.eml", name);
        Assert.Equal($"_/{id}", NameTemplate.Parse("{rcpt-domain}/{id}").Expand(Envelope(id, "postmaster")));
    }

    [Fact]
    public void An_unsafe_message_id_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NameTemplate.Parse("{id}").Expand(Envelope("../etc")));
    }

    [Theory]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("jörg@example.com", "=?utf-8?B?asO2cmdAZXhhbXBsZS5jb20=?=")]
    [InlineData("100%@example.com", "=?utf-8?B?MTAwJUBleGFtcGxlLmNvbQ==?=")]
    [InlineData(" padded", "=?utf-8?B?IHBhZGRlZA==?=")]
    [InlineData("=?looks encoded?=", "=?utf-8?B?PT9sb29rcyBlbmNvZGVkPz0=?=")]
    public void Metadata_values_are_printable_ascii_or_one_rfc2047_word(string value, string encoded)
    {
        Assert.Equal(encoded, BlobMetadata.Encode(value));
        Assert.Equal(value, BlobMetadata.Decode(encoded));
    }

    [Fact]
    public void Long_values_are_cut_and_the_whole_stays_under_the_limit()
    {
        var recipients = Enumerable.Range(0, 1000).Select(i => $"ü{i}@{new string('d', 60)}.example").ToArray();
        var envelope = Envelope(NewId(), recipients) with { HeloName = new string('h', 2000), AuthenticatedAs = new string('ä', 3000) };

        var metadata = BlobMetadata.For(envelope, SniffedHeaders.Empty);

        Assert.True(metadata.Sum(pair => pair.Key.Length + pair.Value.Length) <= BlobMetadata.MaxTotalSize);
        Assert.True(metadata["helo"].Length <= BlobMetadata.MaxValueLength);
        Assert.EndsWith("...", metadata["helo"]);
        Assert.EndsWith("...", BlobMetadata.Decode(metadata["authenticated_as"]));
        var rcptTo = BlobMetadata.Decode(metadata["rcpt_to"]);
        Assert.StartsWith("ü0@", rcptTo);
        var kept = rcptTo.Split(" (+")[0].Split(',').Length;
        Assert.EndsWith($" (+{1000 - kept} more)", rcptTo);
        Assert.True(kept > 20, $"only {kept} recipients kept");
    }
}

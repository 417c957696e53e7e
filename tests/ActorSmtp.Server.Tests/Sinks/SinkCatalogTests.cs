using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using ActorSmtp.Host;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Server.Tests.Configuration;
using ActorSmtp.Sinks;
using ActorSmtp.Sinks.AzureBlob;
using ActorSmtp.Sinks.File;
using Xunit;

namespace ActorSmtp.Server.Tests.Sinks;

/// <summary>Sink types are registered by whoever composes the server; the server names no sink assembly.</summary>
public sealed class SinkCatalogTests
{
    [Fact]
    public void The_server_names_no_sink_type_in_a_string()
    {
        // A type name in a string is a dependency the build cannot see: the file and blob sinks are the host's to register.
        var named = UserStrings(typeof(SinkCatalog).Assembly.Location)
            .Where(s => s.Contains("ActorSmtp.Sinks.", StringComparison.Ordinal)).ToArray();
        Assert.Empty(named);
    }

    [Fact]
    public void A_new_catalog_knows_the_servers_own_types_and_the_host_adds_file_and_azure_blob()
    {
        var error = Assert.Throws<SettingsException>(() => ActorSmtpSettings.FromConfig(ActorSmtpConfig.Reference));
        Assert.Equal("actorsmtp.sinks.file.type", error.Key);
        Assert.Contains("unknown sink type 'file' (known: null, reject;", error.Message);

        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString("""
            actorsmtp {
              sink = all
              sinks.all { type = fan-out, sinks = [file, blob, nothing, reject] }
              sinks.nothing.type = null
            }
            """), ShippedSinks.Catalog());
        Assert.Equal(typeof(FileSink), settings.Sinks["file"].ActorType);
        Assert.Equal(typeof(BlobSink), settings.Sinks["blob"].ActorType);
        Assert.Equal(typeof(NullSink), settings.Sinks["nothing"].ActorType);
        Assert.Equal(typeof(RejectSink), settings.Sinks["reject"].ActorType);
        Assert.True(settings.Sinks["all"].IsFanOut);
    }

    [Theory]
    [InlineData("file", "directroy = x", "directroy", "directory")]
    [InlineData("ActorSmtp.Sinks.File.FileSink, ActorSmtp.Sinks.File", "directroy = x", "directroy", "directory")]
    [InlineData("azure-blob", "retry.delays = 1s", "retry.delays", "retry.delay")]
    [InlineData("reject", "cod = 550", "cod", "code")]
    public void A_registered_type_under_any_sink_name_knows_the_keys_of_its_type(string type, string setting, string key, string meant)
    {
        // Not a sink named after its type: the reference's blocks of the same name do not help here.
        var error = Assert.Throws<SettingsException>(() => ActorSmtpSettings.FromConfig(
            ActorSmtpConfig.FromString($"actorsmtp {{ sink = mine, sinks.mine {{ type = \"{type}\", {setting} }} }}"), ShippedSinks.Catalog()));
        Assert.Equal($"actorsmtp.sinks.mine.{key}", error.Key);
        Assert.Contains($"did you mean actorsmtp.sinks.mine.{meant}?", error.Message);
    }

    [Theory]
    [InlineData("type = file, directory = DIR\n sync = sometimes", "sync")]
    [InlineData("type = file, directory = DIR\n sync = [ files ]", "sync")]
    [InlineData("type = file, directory = \"\"", "directory")]
    [InlineData("type = azure-blob\n container = \"No_Such\"", "container")]
    public void A_registered_type_checks_its_block_under_any_sink_name(string block, string key)
    {
        var directory = Path.Combine(Path.GetTempPath(), "actorsmtp-catalog-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<SettingsException>(() => ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(
            $"actorsmtp {{ sink = mine, sinks.mine {{ {block.Replace("DIR", $"\"{directory}\"")} }} }}"), ShippedSinks.Catalog()));
        Assert.Equal($"actorsmtp.sinks.mine.{key}", error.Key);
        Assert.False(Directory.Exists(directory)); // checked, not created
    }

    [Fact]
    public void A_registration_replaces_one_by_the_same_name()
    {
        var catalog = new SinkCatalog().Register<StrictConfigurationTests.DeclaringSink>("null");
        var settings = ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString("actorsmtp { sink = x, sinks.x { type = null, url = y } }"), catalog);
        Assert.Equal(typeof(StrictConfigurationTests.DeclaringSink), settings.Sinks["x"].ActorType);
    }

    private static IEnumerable<string> UserStrings(string assemblyFile)
    {
        using var stream = File.OpenRead(assemblyFile);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var strings = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil && strings.Count < 100_000; handle = metadata.GetNextHandle(handle))
            strings.Add(metadata.GetUserString(handle));
        return strings;
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using Xunit;

namespace ActorSmtp.Cluster.Tests;

/// <summary>Cluster formation from actorsmtp.cluster, the cluster view, and the settings.</summary>
public sealed class ClusterFormationTests
{
    [Fact]
    public async Task Three_nodes_form_one_cluster_and_the_view_lists_them_with_roles_and_sessions()
    {
        var viewPort = FreePort();
        var founder = await ClusterTestNode.StartAsync(["smtp", "storage"],
            hocon: $"actorsmtp.cluster.view {{ enabled = on, address = \"127.0.0.1\", port = {viewPort} }}");
        await using var _ = founder;
        await using var front = await ClusterTestNode.StartAsync(["smtp"], founder.Seed);
        await using var storage = await ClusterTestNode.StartAsync(["storage"], founder.Seed);
        ClusterTestNode[] nodes = [founder, front, storage];
        await ClusterTestNode.WaitForAsync(() => nodes.All(n => n.UpMembers() == 3), TimeSpan.FromSeconds(20), "3 members up");
        await Task.WhenAll(nodes.Select(n => n.Node.WhenUp.WaitAsync(TimeSpan.FromSeconds(5))));
        Assert.Empty(storage.Server.EndPoints); // storage-only: no SMTP listener

        await using var session = await RawSmtpClient.ConnectAsync(front.EndPoint); // one open session on the front node
        await session.ReadReplyAsync();

        using var http = new HttpClient();
        var json = await http.GetStringAsync(founder.ViewUrl + "cluster");
        using var doc = JsonDocument.Parse(json);
        var members = doc.RootElement.GetProperty("members").EnumerateArray().ToArray();
        Assert.Equal(3, members.Length);
        Assert.All(members, m => Assert.Equal("up", m.GetProperty("status").GetString()));
        var frontView = members.Single(m => m.GetProperty("address").GetString() == front.Address.ToString());
        Assert.Equal(new[] { "smtp" }, frontView.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.Equal(1, frontView.GetProperty("sessions").GetInt32());
        var storageView = members.Single(m => m.GetProperty("address").GetString() == storage.Address.ToString());
        Assert.Equal(new[] { "storage" }, storageView.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    [Fact]
    public void Cluster_is_off_by_default_and_its_akka_config_empty()
    {
        Assert.False(ActorSmtpSettings.FromConfig(ActorSmtpConfig.Reference, TestServer.Sinks()).ClusterEnabled);
        var cluster = ClusterSettings.FromConfig(ActorSmtpConfig.Reference);
        Assert.False(cluster.Enabled);
        Assert.True(cluster.AkkaConfig().IsEmpty);
        Assert.True(cluster.SpeaksSmtp && cluster.OwnsStorage);
    }

    [Fact]
    public void Enabled_cluster_maps_onto_akka_cluster_with_keep_majority()
    {
        var cluster = Read(ActorSmtpConfig.FromString(
            "actorsmtp.cluster { enabled = on, port = 4100, seed-nodes = [\"10.0.0.1:4053\"], roles = [smtp] }"));
        var akka = cluster.AkkaConfig();
        Assert.Equal("cluster", akka.GetString("akka.actor.provider"));
        Assert.Equal(4100, akka.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(["smtp"], akka.GetStringList("akka.cluster.roles"));
        Assert.Equal("keep-majority", akka.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Contains("SplitBrainResolverProvider", akka.GetString("akka.cluster.downing-provider-class"));
        Assert.True(akka.GetBoolean("akka.coordinated-shutdown.run-by-actor-system-terminate"));
        Assert.False(cluster.OwnsStorage);
    }

    [Theory]
    [InlineData("roles = [web]", "actorsmtp.cluster.roles")]
    [InlineData("seed-nodes = [\"nohost\"]", "actorsmtp.cluster.seed-nodes")]
    [InlineData("port = 70000", "actorsmtp.cluster.port")]
    [InlineData("view { enabled = on, address = \"x\" }", "actorsmtp.cluster.view.address")]
    public void Bad_cluster_settings_name_their_key(string hocon, string key)
    {
        var error = Assert.Throws<SettingsException>(() =>
            Read(ActorSmtpConfig.FromString($"actorsmtp.cluster {{ enabled = on, {hocon} }}")));
        Assert.Equal(key, error.Key);
    }

    [Fact]
    public void The_cluster_examples_are_valid()
    {
        var examples = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "cluster-*.conf");
        Assert.NotEmpty(examples);
        foreach (var example in examples)
            Assert.True(Read(ActorSmtpConfig.Load(example)).Enabled, example);
    }

    /// <summary>As the host reads it: the server's settings (every key checked), then the cluster's own.</summary>
    private static ClusterSettings Read(Akka.Configuration.Config config)
    {
        var settings = ActorSmtpSettings.FromConfig(config, TestServer.Sinks());
        var cluster = ClusterSettings.FromConfig(config);
        Assert.Equal(settings.ClusterEnabled, cluster.Enabled);
        return cluster;
    }

    internal static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

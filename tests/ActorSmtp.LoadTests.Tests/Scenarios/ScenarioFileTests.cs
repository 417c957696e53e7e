using ActorSmtp.LoadTests.Scenarios;

namespace ActorSmtp.LoadTests.Tests.Scenarios;

public sealed class ScenarioFileTests
{
    private const string Json = """
        {
          // comments are allowed
          "target": "127.0.0.1:2525",
          "thresholds": { "minRps": 100, "maxErrorRate": 0.01 },
          "scenarios": [
            { "name": "steady", "load": ["ramp:1:16:5s", "keep:16:20s"], "size": "1k:80,10k:20",
              "messagesPerConnection": 50, "maxMessages": 1000, "thresholds": { "maxP99Ms": 25 } },
            { "name": "apps", "load": ["inject:200:10s"], "client": "mailkit", "tls": "starttls", "recipients": 3,
              "ioTimeout": "5s" }
          ]
        }
        """;

    [Fact]
    public void Scenarios_read_with_file_thresholds_under_their_own()
    {
        var scenarios = ScenarioFile.Parse(Json, targetOverride: null);

        var steady = scenarios[0];
        Assert.Equal("steady", steady.Name);
        Assert.Equal(2525, steady.Target.Port);
        Assert.Equal("ramp:1:16:5s then keep:16:20s", steady.Load.ToString());
        Assert.Equal([1024L, 10_240L], steady.Size.Sizes);
        Assert.Equal(50, steady.MessagesPerConnection);
        Assert.Equal(1000, steady.MaxMessages);
        Assert.Equal(new(100, 25, 0.01), steady.Thresholds);

        var apps = scenarios[1];
        Assert.Equal(ClientKind.MailKit, apps.Client);
        Assert.Equal(TlsMode.StartTls, apps.Tls);
        Assert.Equal(3, apps.Recipients);
        Assert.Equal(TimeSpan.FromSeconds(5), apps.IoTimeout);
        Assert.True(apps.Load.IsOpenModel);
    }

    [Fact]
    public void The_command_line_target_wins() =>
        Assert.All(ScenarioFile.Parse(Json, LoopbackTarget.Parse("127.0.0.1:40000")), s => Assert.Equal(40000, s.Target.Port));

    [Fact]
    public void A_remote_target_in_a_file_is_refused() =>
        Assert.Throws<FormatException>(() => ScenarioFile.Parse(Json.Replace("127.0.0.1:2525", "10.1.2.3:25"), null));

    [Fact]
    public void Misspelt_settings_are_not_silently_ignored() =>
        Assert.ThrowsAny<Exception>(() => ScenarioFile.Parse("""{ "target": "127.0.0.1:25", "scenarios": [ { "name": "x", "load": ["keep:1:1s"], "sizes": "1k" } ] }""", null));

    [Fact]
    public void Tls_needs_the_mailkit_client() =>
        Assert.Throws<ArgumentException>(() => ScenarioFile.Parse(Json.Replace("\"client\": \"mailkit\",", ""), null));
}

using ActorSmtp.Server.Configuration;
using Xunit;

namespace ActorSmtp.Policies.Tests.Http;

/// <summary>An http entry the server cannot use stops start-up, with the key named.</summary>
public sealed class HttpPolicyConfigTests
{
    private static async Task<SettingsException> RefusedAsync(string entry) =>
        await Assert.ThrowsAsync<SettingsException>(() => TestServer.StartAsync($"actorsmtp.policies = [ {{ type = http, {entry} }} ]"));

    [Theory]
    [InlineData("""url = "ftp://127.0.0.1/policy" """)]
    [InlineData("""url = "/policy" """)]
    [InlineData("""url = "" """)]
    public async Task A_url_that_is_not_absolute_http_is_refused(string entry)
    {
        var refused = await RefusedAsync(entry);

        Assert.Equal("actorsmtp.policies[0].url", refused.Key);
    }

    [Fact]
    public async Task A_missing_url_is_refused()
    {
        var refused = await RefusedAsync("stages = [rcpt]");

        Assert.StartsWith("actorsmtp.policies[0]", refused.Key);
        Assert.Contains("`url`", refused.Message);
    }

    [Fact]
    public async Task A_negative_cache_ttl_is_refused()
    {
        var refused = await RefusedAsync("""url = "http://127.0.0.1:9/policy", cache-ttl = -1s""");

        Assert.True(refused.Key == "actorsmtp.policies[0].cache-ttl", refused.Message);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_with_the_one_probably_meant()
    {
        var refused = await RefusedAsync("""url = "http://127.0.0.1:9/policy", cache-tl = 1s""");

        Assert.Equal("actorsmtp.policies[0].cache-tl", refused.Key);
        Assert.Contains("cache-ttl", refused.Message);
    }

    [Fact]
    public async Task A_header_read_from_an_unset_variable_is_refused_without_showing_any_value()
    {
        var variable = $"ACTORSMTP_TEST_UNSET_{Guid.NewGuid():N}";
        var refused = await RefusedAsync($$"""url = "http://127.0.0.1:9/policy", headers { Authorization = "env:{{variable}}" }""");

        Assert.Equal("actorsmtp.policies[0].headers.Authorization", refused.Key);
        Assert.Contains(variable, refused.Message);
    }
}

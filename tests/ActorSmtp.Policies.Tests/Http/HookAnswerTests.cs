using System.Text.Json;
using ActorSmtp.Policies.Http;
using Xunit;

namespace ActorSmtp.Policies.Tests.Http;

public sealed class HookAnswerTests
{
    private static PolicyProtocol.Verdict Verdict(string json) =>
        JsonSerializer.Deserialize(json, HookJson.Default.HookAnswer)!.ToVerdict();

    [Theory]
    [InlineData("""{"action":"reject","code":550,"enhanced":"5.1.1","text":"unknown"}""", 550, "5.1.1", "unknown")]
    [InlineData("""{"action":"reject"}""", 550, "5.7.1", "Rejected by policy")]
    [InlineData("""{"action":"reject","code":554}""", 554, "5.7.1", "Rejected by policy")]
    [InlineData("""{"Action":"REJECT","Text":"any case"}""", 550, "5.7.1", "any case")]
    public void A_reject(string json, int code, string enhanced, string text) =>
        Assert.Equal(new PolicyProtocol.Reject(code, enhanced, text), Verdict(json));

    [Theory]
    [InlineData("""{"action":"defer"}""", 451, "4.3.0", "Try again later")]
    [InlineData("""{"action":"defer","code":450,"enhanced":"4.2.1","text":"slow down"}""", 450, "4.2.1", "slow down")]
    public void A_defer(string json, int code, string enhanced, string text) =>
        Assert.Equal(new PolicyProtocol.Defer(code, enhanced, text), Verdict(json));

    [Fact]
    public void An_accept_with_tags_carries_them_and_one_without_is_a_plain_accept()
    {
        var tagged = Assert.IsType<PolicyProtocol.AcceptWith>(Verdict("""{"action":"accept","tags":{"tenant":"acme"}}"""));
        Assert.Equal("acme", tagged.Tags["tenant"]);
        Assert.Same(PolicyProtocol.Accept.Instance, Verdict("""{"action":"accept","tags":{}}"""));
        Assert.Same(PolicyProtocol.Accept.Instance, Verdict("""{"action":"accept"}"""));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"action":"maybe"}""")]
    public void No_or_an_unknown_action_is_the_hook_s_failure(string json) =>
        Assert.Throws<InvalidDataException>(() => Verdict(json));

    [Fact]
    public void Tags_must_be_strings() =>
        Assert.Throws<JsonException>(() => Verdict("""{"action":"accept","tags":{"n":1}}"""));
}

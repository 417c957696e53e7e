using System.Net;
using ActorSmtp.Server.Auth;
using Xunit;
using Xunit.Abstractions;

namespace ActorSmtp.Mailbox.Tests.Api;

/// <summary>Basic auth (RFC 7617) when actorsmtp.mailbox.auth.users is set.</summary>
public sealed class MailboxAuthSpec(ITestOutputHelper output) : ApiSpecBase(output)
{
    private static readonly string Hash = PasswordHash.Create("s3cret:with colon");

    [Theory]
    [InlineData("messages")]
    [InlineData("messages/await?timeout=1s")]
    [InlineData("events")]
    [InlineData("openapi.json")]
    public async Task Without_credentials_every_route_is_a_401_with_a_challenge(string path)
    {
        await StartApiAsync(new Dictionary<string, string> { ["alice"] = Hash });
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Only_a_configured_user_with_the_right_password_gets_in()
    {
        await StartApiAsync(new Dictionary<string, string> { ["alice"] = Hash });
        foreach (var (user, password) in new[] { ("alice", "wrong"), ("bob", "s3cret:with colon"), ("alice", "s3cret") })
        {
            using var refused = new HttpRequestMessage(HttpMethod.Get, "messages") { Headers = { Authorization = Basic(user, password) } };
            Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SendAsync(refused)).StatusCode);
        }
        for (var i = 0; i < 2; i++) // the second from the remembered check
        {
            using var admitted = new HttpRequestMessage(HttpMethod.Get, "messages") { Headers = { Authorization = Basic("alice", "s3cret:with colon") } };
            Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(admitted)).StatusCode);
        }
        using var garbage = new HttpRequestMessage(HttpMethod.Get, "messages");
        garbage.Headers.TryAddWithoutValidation("Authorization", "Basic !!!not-base64");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SendAsync(garbage)).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using Xunit;

namespace ActorSmtp.Host.Tests;

/// <summary>
/// Scripted faults in the executable: the start-up warning naming every rule, the run-time API (arm, observe, disarm;
/// a bad rule is a 400 naming the field), the log line and the metric of each fault, the mailbox's auth over the API,
/// and the two README examples: a sender that retries on 451, and one that must not duplicate on a lost acknowledgement.
/// </summary>
public sealed class FaultsHostTests : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly HostWorkspace _workspace = new("actorsmtp-faults-");

    public void Dispose() => _workspace.Dispose();

    private HostProcess Start(string faults, string extra = "")
    {
        var port = HttpProbe.FreePort(); // the mailbox and /metrics share one HTTP host
        return _workspace.Start($"--config \"{_workspace.Config($$"""
            actorsmtp.endpoints = [ { address = "127.0.0.1", port = 0 } ]
            actorsmtp.mailbox.port = {{port}}
            actorsmtp.metrics { enabled = on, address = "127.0.0.1", port = {{port}} }
            actorsmtp.faults { {{faults}} }
            {{extra}}
            """)}\"");
    }

    [Fact]
    public async Task A_test_arms_a_fault_its_sender_meets_it_and_disarming_ends_it()
    {
        using var host = Start("""enabled = on, rules = [ { name = at-start, when { rcpt = "*@never.test" }, at = rcpt, reply = "450" } ]""");
        var smtp = await host.ListeningPortAsync();
        var mailbox = await MailboxHostTests.MailboxUrlAsync(host);
        Assert.Contains("FAULTS ON", host.Output);
        Assert.Contains("fault rule at-start at rcpt", host.Output); // every rule named at start

        using var armed = await PutAsync(mailbox, """{"rules": [{"name": "retry-me", "when": {"rcpt": "*@flaky.test"}, "at": "rcpt", "reply": "451 4.3.0 Try again later"}]}""");
        Assert.Equal(HttpStatusCode.OK, armed.StatusCode);
        var shown = JsonDocument.Parse(await Http.GetStringAsync(new Uri(mailbox, "/api/v1/faults"))).RootElement;
        Assert.True(shown.GetProperty("enabled").GetBoolean());
        var rule = Assert.Single(shown.GetProperty("rules").EnumerateArray());
        Assert.Equal(("retry-me", "rcpt", "reply"), (rule.GetProperty("name").GetString(), rule.GetProperty("at").GetString(), rule.GetProperty("action").GetString()));

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(smtp, "app@x.test", "user@flaky.test"));
        Assert.Equal(451, (int)refused.StatusCode);
        await SendAsync(smtp, "app@x.test", "user@steady.test"); // another domain: untouched
        await WaitForAsync(() => host.Output.Contains("Fault retry-me at rcpt: reply"));
        var metrics = await Http.GetStringAsync(new Uri(mailbox, "/metrics"));
        Assert.Matches("actorsmtp_faults_injected_total\\{[^}]*action=\"reply\"[^}]*stage=\"rcpt\"[^}]*\\} 1", metrics);

        using var disarmed = await Http.DeleteAsync(new Uri(mailbox, "/api/v1/faults"));
        Assert.Equal(HttpStatusCode.OK, disarmed.StatusCode);
        await SendAsync(smtp, "app@x.test", "user@flaky.test"); // the same sender now gets through
    }

    [Theory]
    [InlineData("""{"rules": [{"at": "rcp", "reply": "451"}]}""", "rules[0].at")]
    [InlineData("""{"rules": [{"at": "rcpt", "reply": "299 ok"}]}""", "rules[0].reply")]
    [InlineData("""{"rules": [{"at": "connect", "when": {"rcpt": "*"}, "reply": "421"}]}""", "rules[0].when.rcpt")]
    [InlineData("""{"rules": [{"at": "rcpt", "action": "stall", "fro": "1s"}]}""", "rules[0].fro")]
    [InlineData("""{"rulez": []}""", "rulez")]
    [InlineData("""not json""", "rules")]
    public async Task An_invalid_rule_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        using var host = Start("""enabled = on, rules = [ { name = kept, when { rcpt = "*@x.test" }, at = rcpt, reply = "451" } ]""");
        var mailbox = await MailboxHostTests.MailboxUrlAsync(host);

        using var answer = await PutAsync(mailbox, body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        var error = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(field, error.GetProperty("parameter").GetString());
        var shown = JsonDocument.Parse(await Http.GetStringAsync(new Uri(mailbox, "/api/v1/faults"))).RootElement;
        Assert.Equal("kept", Assert.Single(shown.GetProperty("rules").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task With_faults_off_the_api_says_so_and_arms_nothing()
    {
        using var host = Start("enabled = off");
        var mailbox = await MailboxHostTests.MailboxUrlAsync(host);

        using var answer = await PutAsync(mailbox, """{"rules": []}""");

        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Equal("enabled", JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());
        Assert.False(JsonDocument.Parse(await Http.GetStringAsync(new Uri(mailbox, "/api/v1/faults"))).RootElement.GetProperty("enabled").GetBoolean());
        Assert.DoesNotContain("FAULTS ON", host.Output);
    }

    [Fact]
    public async Task The_api_is_behind_the_mailbox_s_auth()
    {
        var hash = ActorSmtp.Server.Auth.PasswordHash.Create("secret");
        using var host = Start("enabled = on", $$"""actorsmtp.mailbox.auth.users = [ { name = "qa", password-hash = "{{hash}}" } ]""");
        var mailbox = await MailboxHostTests.MailboxUrlAsync(host);

        using var anonymous = await PutAsync(mailbox, """{"rules": []}""");
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(mailbox, "/api/v1/faults"))
        {
            Content = new StringContent("""{"rules": []}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("qa:secret"u8.ToArray()));
        using var authenticated = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
    }

    [Fact]
    public async Task A_rule_matching_everyone_on_a_public_listener_stops_start_up_naming_the_key()
    {
        using var host = _workspace.Start($"--config \"{_workspace.Config("""
            actorsmtp.endpoints = [ { address = "0.0.0.0", port = 0 } ]
            actorsmtp.mailbox.enabled = off
            actorsmtp.faults { enabled = on, rules = [ { at = rcpt, reply = "451" } ] }
            """)}\"");

        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("actorsmtp.faults.rules[0].when", host.Output);
    }

    /// <summary>README, Faults, example 1: the sender under test must retry a 451 and get the message through.</summary>
    [Fact]
    public async Task Readme_example_a_sender_that_retries_on_451_delivers_once()
    {
        using var host = Start("enabled = on");
        var smtp = await host.ListeningPortAsync();
        var mailbox = await MailboxHostTests.MailboxUrlAsync(host);
        using var armed = await PutAsync(mailbox, """{"rules": [{"when": {"rcpt": "*@retry.test"}, "at": "rcpt", "reply": "451 4.3.0 Try again later", "times": 2}]}""");

        var attempts = await RetryingSenderAsync(smtp, "orders@shop.test", "alice@retry.test");

        Assert.Equal(3, attempts);
        using var found = JsonDocument.Parse(await Http.GetStringAsync(new Uri(mailbox, "/api/v1/messages/await?to=alice@retry.test&timeout=10s")));
        Assert.Equal("orders@shop.test", found.RootElement.GetProperty("mailFrom").GetString());
    }

    /// <summary>README, Faults, example 2: a lost acknowledgement; the mailbox shows whether the sender duplicated the message.</summary>
    [Fact]
    public async Task Readme_example_a_lost_acknowledgement_shows_up_as_a_duplicate_in_the_mailbox()
    {
        using var host = Start("enabled = on");
        var smtp = await host.ListeningPortAsync();
        var mailbox = await MailboxHostTests.MailboxUrlAsync(host);

        // Once: stored, then the connection drops before the 250 (a recipient tag would do it at every try).
        using var armed = await PutAsync(mailbox, """{"rules": [{"when": {"from": "billing@*"}, "at": "end-of-data", "action": "store-then-disconnect", "times": 1}]}""");

        Assert.Equal(2, await RetryingSenderAsync(smtp, "billing@shop.test", "bob@x.test"));
        using var first = JsonDocument.Parse(await Http.GetStringAsync(new Uri(mailbox, "/api/v1/messages/await?to=bob@x.test&timeout=10s")));
        using var page = JsonDocument.Parse(await Http.GetStringAsync(new Uri(mailbox, "/api/v1/messages?to=bob@x.test")));
        Assert.Equal(2, page.RootElement.GetProperty("messages").GetArrayLength()); // a retrying sender duplicates: the test sees it
    }

    /// <summary>The sender under test in the examples: one message, retried after a 4xx or a lost connection.</summary>
    private static async Task<int> RetryingSenderAsync(int smtp, string from, string to, int retries = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SendAsync(smtp, from, to);
                return attempt;
            }
            catch (Exception ex) when (attempt <= retries
                                       && ex is IOException or MailKit.Net.Smtp.SmtpProtocolException or MailKit.ServiceNotConnectedException
                                           or SmtpCommandException { StatusCode: >= (SmtpStatusCode)400 and < (SmtpStatusCode)500 })
            {
                // temporary: try again
            }
        }
    }

    private static async Task SendAsync(int smtp, string from, string to)
    {
        using var client = await SmtpClients.ConnectAsync(new IPEndPoint(IPAddress.Loopback, smtp), TimeSpan.FromSeconds(10));
        await client.SendAsync(MimeMessages.Create("order", "one order", to: to, from: from));
        await client.DisconnectAsync(quit: true);
    }

    private static Task<HttpResponseMessage> PutAsync(Uri mailbox, string body) =>
        Http.PutAsync(new Uri(mailbox, "/api/v1/faults"), new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
            await Task.Delay(50);
        Assert.True(condition());
    }
}

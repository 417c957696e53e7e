using System.Text;
using ActorSmtp.Protocol.Session;
using Xunit;

namespace ActorSmtp.Protocol.Tests.Session;

/// <summary>AUTH (RFC 4954) in the session: PLAIN (RFC 4616) and LOGIN, TLS-only offering, failures.</summary>
public sealed class AuthTranscriptTests
{
    private static SmtpSession Secure(AuthMode mode = AuthMode.Optional, int maxFailures = 3)
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", auth: mode, maxAuthFailures: maxFailures), secure: true);
        session.Execute("EHLO c"u8);
        return session;
    }

    private static byte[] B64(string text) => Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));

    private static string Reply(SessionStep step) => step.Reply!.ToString();

    [Fact]
    public void Plaintext_auth_is_refused_with_538_and_not_advertised()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", offerStartTls: true, auth: AuthMode.Optional));
        Assert.DoesNotContain("AUTH", session.Options.EhloReply.ToString());
        Assert.Contains("AUTH PLAIN LOGIN", session.Options.SecureEhloReply.ToString());
        session.Execute("EHLO c"u8);
        Assert.StartsWith("538 5.7.11", Reply(session.Execute("AUTH PLAIN AGFsaWNlAHB3"u8)));
    }

    [Fact]
    public void Allow_insecure_auth_offers_and_accepts_auth_before_tls()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", auth: AuthMode.Optional, allowInsecureAuth: true));
        Assert.Contains("AUTH PLAIN LOGIN", session.Options.EhloReply.ToString());
        session.Execute("EHLO c"u8);
        Assert.Equal(SessionAction.Authenticate, session.Execute([.. "AUTH PLAIN "u8, .. B64("\0alice\0pw")]).Action);
    }

    [Fact]
    public void With_require_tls_auth_before_starttls_gets_530()
    {
        var session = new SmtpSession(new SmtpSessionOptions("mx.test", offerStartTls: true, requireTls: true, auth: AuthMode.Optional));
        session.Execute("EHLO c"u8);
        Assert.StartsWith("530 5.7.0", Reply(session.Execute("AUTH PLAIN AGFsaWNlAHB3"u8)));
    }

    [Fact]
    public void Plain_with_an_initial_response_yields_the_credentials()
    {
        var step = Secure().Execute([.. "AUTH PLAIN "u8, .. B64("\0alice\0pw")]);
        Assert.Equal(SessionAction.Authenticate, step.Action);
        Assert.Null(step.Reply);
        Assert.Equal(new Credentials("alice", "pw"), step.Credentials);
    }

    [Fact]
    public void Login_asks_for_name_then_password()
    {
        var session = Secure();
        Assert.Equal("334 VXNlcm5hbWU6", Reply(session.Execute("AUTH LOGIN"u8)));
        Assert.Equal("334 UGFzc3dvcmQ6", Reply(session.Execute(B64("alice"))));
        var step = session.Execute(B64("pw"));
        Assert.Equal(new Credentials("alice", "pw"), step.Credentials);
    }

    [Fact]
    public void Plain_without_initial_response_gets_an_empty_challenge_and_can_be_cancelled()
    {
        var session = Secure();
        Assert.Equal("334", Reply(session.Execute("AUTH PLAIN"u8)).TrimEnd());
        Assert.StartsWith("501 5.7.0", Reply(session.Execute("*"u8)));
        Assert.StartsWith("250", Reply(session.Execute("NOOP"u8))); // back to commands
    }

    [Theory]
    [InlineData("AUTH CRAM-MD5", "504 5.5.4")]
    [InlineData("AUTH PLAIN !!!notbase64", "501 5.5.2")]
    [InlineData("AUTH PLAIN bm9udWxz", "501 5.5.2")] // "nonuls": not authzid\0authcid\0passwd
    public void Bad_auth_commands_are_refused(string command, string expected)
    {
        Assert.StartsWith(expected, Reply(Secure().Execute(Encoding.ASCII.GetBytes(command))));
    }

    [Fact]
    public void Auth_before_ehlo_or_inside_a_transaction_is_out_of_sequence()
    {
        var fresh = new SmtpSession(new SmtpSessionOptions("mx.test", auth: AuthMode.Optional), secure: true);
        Assert.StartsWith("503 5.5.1", Reply(fresh.Execute("AUTH LOGIN"u8)));
        var session = Secure();
        session.Execute("MAIL FROM:<a@b.test>"u8);
        Assert.StartsWith("503 5.5.1", Reply(session.Execute("AUTH LOGIN"u8)));
    }

    [Fact]
    public void Required_auth_gates_mail_and_success_opens_it()
    {
        var session = Secure(AuthMode.Required);
        Assert.StartsWith("530 5.7.0", Reply(session.Execute("MAIL FROM:<a@b.test>"u8)));
        session.Execute([.. "AUTH PLAIN "u8, .. B64("\0alice\0pw")]);
        Assert.StartsWith("235 2.7.0", Reply(session.AuthenticationCompleted("alice")));
        Assert.Equal("alice", session.AuthenticatedAs);
        Assert.StartsWith("503 5.5.1", Reply(session.Execute("AUTH LOGIN"u8)));
        Assert.StartsWith("250 2.1.0", Reply(session.Execute("MAIL FROM:<a@b.test>"u8)));
    }

    [Fact]
    public void Repeated_failures_end_the_session_with_421()
    {
        var session = Secure(maxFailures: 2);
        session.Execute([.. "AUTH PLAIN "u8, .. B64("\0alice\0bad")]);
        var first = session.AuthenticationCompleted(null);
        Assert.StartsWith("535 5.7.8", Reply(first));
        Assert.Equal(SessionAction.Continue, first.Action);
        session.Execute([.. "AUTH PLAIN "u8, .. B64("\0alice\0bad")]);
        var second = session.AuthenticationCompleted(null);
        Assert.Equal(SessionAction.Close, second.Action);
        Assert.StartsWith("421 4.7.0", second.Farewell!.ToString());
    }
}

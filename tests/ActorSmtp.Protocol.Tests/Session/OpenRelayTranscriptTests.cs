using ActorSmtp.Protocol.Session;
using Xunit;
using static ActorSmtp.Protocol.Tests.Session.SmtpSessionTranscriptTests;

namespace ActorSmtp.Protocol.Tests.Session;

/// <summary>The classic open-relay probes (RFC 2505 §2, the relay tests of abuse.net and their kind) against accepted domains.</summary>
public sealed class OpenRelayTranscriptTests
{
    private static SmtpSession Session() => new(new SmtpSessionOptions("mx.test", acceptedDomains: ["accepted.test"]));

    private const string InTransaction = "C: EHLO c|S: 250|C: MAIL FROM:<spammer@elsewhere.test>|S: 250 2.1.0|";

    [Theory]
    [InlineData("victim@elsewhere.test")]
    [InlineData("victim%elsewhere.test@accepted.test")] // the % hack
    [InlineData("elsewhere.test!victim@accepted.test")] // a bang path
    [InlineData("\"victim@elsewhere.test\"@accepted.test")] // a quoted @
    [InlineData("@accepted.test:victim@elsewhere.test")] // a source route through us
    [InlineData("victim@accepted.test.elsewhere.test")]
    public void An_unauthenticated_client_cannot_relay(string recipient) =>
        Run(Session(), $"{InTransaction}C: RCPT TO:<{recipient}>|S: 554 5.7.1 Relay access denied");

    [Theory]
    [InlineData("user@accepted.test")]
    [InlineData("user@ACCEPTED.TEST")]
    [InlineData("@other.test:user@accepted.test")] // the route is dropped (RFC 5321 §3.6.1): delivered here
    [InlineData("postmaster")]
    public void Mail_for_the_accepted_domains_is_taken(string recipient) =>
        Run(Session(), $"{InTransaction}C: RCPT TO:<{recipient}>|S: 250 2.1.5");

    [Fact]
    public void A_client_in_relay_networks_or_authenticated_may_relay()
    {
        var trusted = Session();
        trusted.ClientMayRelay = true;
        Run(trusted, $"{InTransaction}C: RCPT TO:<friend@elsewhere.test>|S: 250 2.1.5");

        var authenticated = new SmtpSession(new SmtpSessionOptions("mx.test", acceptedDomains: ["accepted.test"], auth: AuthMode.Optional,
            allowInsecureAuth: true));
        Run(authenticated, "C: EHLO c|S: 250");
        authenticated.Execute("AUTH PLAIN AGFsaWNlAHMzY3JldA=="u8);
        authenticated.AuthenticationCompleted("alice");
        Run(authenticated, "C: MAIL FROM:<alice@accepted.test>|S: 250 2.1.0|C: RCPT TO:<friend@elsewhere.test>|S: 250 2.1.5");
    }
}

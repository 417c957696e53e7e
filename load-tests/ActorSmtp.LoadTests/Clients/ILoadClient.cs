namespace ActorSmtp.LoadTests.Clients;

/// One SMTP connection as the load sessions drive it. Implementations time their own steps
/// (connect+greeting, EHLO, MAIL→RCPT, DATA→250) because only they see where one ends.
internal interface ILoadClient : IAsyncDisposable
{
    bool IsConnected { get; }

    /// Connects, reads the greeting and says EHLO (and STARTTLS where configured).
    Task ConnectAsync();

    /// One transaction: MAIL FROM, RCPT TO for each recipient, DATA, body, final 250.
    /// Throws <see cref="SmtpReplyException"/> when the server answers anything unexpected.
    Task SendAsync(long messageSize);

    /// Polite close: QUIT, then drop the connection. Never throws.
    Task QuitAsync();

    /// Drops the connection at once, e.g. after an error left the dialogue out of step.
    void Abort();
}

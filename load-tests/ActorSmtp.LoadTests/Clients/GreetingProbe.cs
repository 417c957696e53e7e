using MailKit;

namespace ActorSmtp.LoadTests.Clients;

/// MailKit writes every byte it reads to its protocol logger; the first read is the greeting,
/// which splits MailKit's ConnectAsync into connect+greeting and EHLO.
internal sealed class GreetingProbe : IProtocolLogger
{
    public long? FirstServerBytes { get; private set; }

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    public void LogConnect(Uri uri)
    {
    }

    public void LogClient(byte[] buffer, int offset, int count)
    {
    }

    public void LogServer(byte[] buffer, int offset, int count) => FirstServerBytes ??= Statistics.Timestamps.Now;

    public void Dispose()
    {
    }
}

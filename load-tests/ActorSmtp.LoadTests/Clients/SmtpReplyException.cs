namespace ActorSmtp.LoadTests.Clients;

/// The server answered with a reply code the client did not expect at this point.
internal sealed class SmtpReplyException(int code, string reply)
    : Exception($"unexpected reply: {reply}")
{
    public int Code { get; } = code;

    public string Reply { get; } = reply;
}

namespace ActorSmtp.Protocol.Replies;

/// <summary>Replies that name this server; built once per configured hostname.</summary>
public sealed class HostReplies
{
    public HostReplies(string hostname)
    {
        Hostname = hostname;
        Greeting = SmtpReply.Create(220, null, $"{hostname} ESMTP ActorSmtp");
        HeloOk = SmtpReply.Create(250, null, hostname);
        Closing = SmtpReply.Create(221, "2.0.0", "Bye");
        Timeout = SmtpReply.Create(421, "4.4.2", $"{hostname} Error: timeout exceeded");
        TooManyErrors = SmtpReply.Create(421, "4.7.0", $"{hostname} Error: too many errors");
        TooManyConnections = SmtpReply.Create(421, "4.7.0", $"{hostname} Error: too many connections");
        ShuttingDown = SmtpReply.Create(421, "4.3.2", $"{hostname} Service shutting down");
        ResourcesExhausted = SmtpReply.Create(421, "4.3.2", $"{hostname} Error: out of system resources, try again later");
        TooManyClientConnections = SmtpReply.Create(421, "4.7.0", $"{hostname} Error: too many connections from your address");
        ConnectionRateExceeded = SmtpReply.Create(421, "4.7.0", $"{hostname} Error: too many connections from your address per minute");
        TlsSessionRateExceeded = SmtpReply.Create(421, "4.7.0", $"{hostname} Error: too many new TLS sessions from your address");
    }

    public string Hostname { get; }
    public SmtpReply Greeting { get; }
    public SmtpReply HeloOk { get; }
    public SmtpReply Closing { get; }
    public SmtpReply Timeout { get; }
    public SmtpReply TooManyErrors { get; }
    public SmtpReply TooManyConnections { get; }
    public SmtpReply ShuttingDown { get; }

    /// <summary>RFC 3463 X.3.2 (system not accepting network messages): the open-file limit leaves no room for another connection.</summary>
    public SmtpReply ResourcesExhausted { get; }
    public SmtpReply TooManyClientConnections { get; }
    public SmtpReply ConnectionRateExceeded { get; }
    public SmtpReply TlsSessionRateExceeded { get; }
}

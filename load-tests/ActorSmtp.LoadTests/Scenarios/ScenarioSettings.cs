using ActorSmtp.LoadTests.Statistics;

namespace ActorSmtp.LoadTests.Scenarios;

internal enum ClientKind
{
    /// Our socket client: pipelines MAIL, RCPT and DATA in one write when the server allows it.
    Raw,
    /// MailKit's SmtpClient with a MimeMessage: what applications use.
    MailKit,
    /// The socket client sending each message as one BDAT ... LAST chunk (RFC 3030) instead of DATA, as
    /// Exchange does; needs a server that advertises CHUNKING.
    Bdat,
}

internal enum TlsMode
{
    None,
    StartTls,
    Implicit,
}

/// One named scenario: what load to apply, with which client, and how to judge it.
internal sealed record ScenarioSettings
{
    public required string Name { get; init; }
    public required LoopbackTarget Target { get; init; }
    public required LoadPlan Load { get; init; }
    public ClientKind Client { get; init; } = ClientKind.Raw;
    public TlsMode Tls { get; init; } = TlsMode.None;
    public MessageSizeMix Size { get; init; } = MessageSizeMix.Fixed(1024);
    public int Recipients { get; init; } = 1;

    /// A complete message (CRLF line ends) sent instead of the generated ones, e.g. one signed with DKIM
    /// (<c>dkim-message</c>); its length is then the only size.
    public byte[]? MessageFile { get; init; }

    /// The reverse path of every MAIL FROM.
    public string MailFrom { get; init; } = Clients.MessageBodies.Sender;
    /// 1 = a new connection for every message.
    public int MessagesPerConnection { get; init; } = 100;
    /// Stops the scenario early once this many messages were started.
    public long? MaxMessages { get; init; }
    /// Open model only: the most connections kept to absorb the injected rate.
    public int MaxSessions { get; init; } = 256;
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// Limit for each reply the client waits for (and the whole DATA transfer).
    public TimeSpan IoTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public Thresholds Thresholds { get; init; } = Thresholds.None;

    /// Throws with a message fit for the command line when the combination makes no sense.
    public ScenarioSettings Validated()
    {
        if (string.IsNullOrWhiteSpace(Name))
            throw new ArgumentException("a scenario needs a name");
        if (Recipients is < 1 or > 1000)
            throw new ArgumentException($"{Name}: recipients must be between 1 and 1000");
        if (MessagesPerConnection < 1)
            throw new ArgumentException($"{Name}: messages per connection must be at least 1");
        if (MaxMessages is < 1)
            throw new ArgumentException($"{Name}: max messages must be at least 1");
        if (MaxSessions is < 1 or > 100_000)
            throw new ArgumentException($"{Name}: max sessions must be between 1 and 100000");
        if (Tls != TlsMode.None && Client != ClientKind.MailKit)
            throw new ArgumentException($"{Name}: TLS is only implemented for the mailkit client");
        return this;
    }

    public string Describe() =>
        $"{Load} · client {Client.ToString().ToLowerInvariant()} · tls {Tls.ToString().ToLowerInvariant()} · " +
        $"size {Size} · {Recipients} rcpt · {MessagesPerConnection} msg/conn" +
        (MaxMessages is { } max ? $" · max {max} msgs" : "");
}

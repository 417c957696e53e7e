namespace ActorSmtp.Sinks;

/// <summary>The TLS session a message arrived over.</summary>
/// <param name="Protocol">For example "Tls13".</param>
/// <param name="CipherSuite">For example "TLS_AES_256_GCM_SHA384".</param>
/// <param name="ServerName">The SNI name the client asked for, if any.</param>
public sealed record TlsInfo(string Protocol, string CipherSuite, string? ServerName);

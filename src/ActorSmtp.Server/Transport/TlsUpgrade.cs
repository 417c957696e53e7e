using ActorSmtp.Server.Tls;

namespace ActorSmtp.Server.Transport;

/// <summary>What a TLS handshake needs: the certificates (chosen by SNI) and how long the client may take.</summary>
internal sealed record TlsUpgrade(CertificateStore Certificates, TimeSpan HandshakeTimeout);

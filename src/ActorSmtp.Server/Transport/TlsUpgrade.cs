using System.Net.Security;

namespace ActorSmtp.Server.Transport;

/// <summary>What a TLS handshake needs: the shared server options and how long the client may take.</summary>
internal sealed record TlsUpgrade(SslServerAuthenticationOptions Options, TimeSpan HandshakeTimeout);

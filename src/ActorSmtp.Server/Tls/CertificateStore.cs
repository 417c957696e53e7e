using System.Net.Security;
using System.Security.Cryptography;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Tls;

/// <summary>Chooses the certificate for a handshake by the SNI name the client sent, else the default one.</summary>
internal sealed class CertificateStore
{
    private readonly CertificateSource _default;
    private readonly (IReadOnlyList<string> Names, CertificateSource Source)[] _byName;

    /// <summary>Loads every certificate once now, so a bad file stops start-up instead of the first handshake.</summary>
    public CertificateStore(TlsSettings settings, string hostname)
    {
        try
        {
            var made = false;
            _default = settings.Default.IsEmpty
                ? ServerCertificate.SelfSigned(settings.SelfSignedFile, hostname, out made)
                : ServerCertificate.Source(settings.Default);
            if (settings.Default.IsEmpty)
                SelfSigned = new SelfSignedCertificate(Path.GetFullPath(settings.SelfSignedFile), made);
            _byName = settings.ByName.Select(named => (named.Names, ServerCertificate.Source(named.Files))).ToArray();
            _ = _default.Options;
            foreach (var (_, source) in _byName)
                _ = source.Options;
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException)
        {
            throw new SettingsException("actorsmtp.tls", $"cannot load a certificate: {ex.Message}", ex);
        }
    }

    /// <summary>The self-signed default certificate, when no certificate is configured.</summary>
    public SelfSignedCertificate? SelfSigned { get; }

    public SslServerAuthenticationOptions For(string? serverName)
    {
        if (!string.IsNullOrEmpty(serverName))
            foreach (var (names, source) in _byName)
                if (names.Any(name => Matches(name, serverName)))
                    return source.Options;
        return _default.Options;
    }

    /// <summary>Exact names, or "*.example.com" for exactly one more label, as in RFC 6125 §6.4.3.</summary>
    internal static bool Matches(string pattern, string serverName)
    {
        if (!pattern.StartsWith("*.", StringComparison.Ordinal))
            return string.Equals(pattern, serverName, StringComparison.OrdinalIgnoreCase);
        var dot = serverName.IndexOf('.');
        return dot > 0 && string.Equals(pattern[1..], serverName[dot..], StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Where the self-signed certificate is kept, and whether this start made it.</summary>
internal sealed record SelfSignedCertificate(string File, bool Made);

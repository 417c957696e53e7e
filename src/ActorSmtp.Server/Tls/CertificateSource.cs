using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ActorSmtp.Server.Tls;

/// <summary>
/// One certificate and the files it comes from. It is reloaded when a file's modification time changes,
/// so a renewed certificate (certbot, cert-manager) is served to the next handshake without a restart.
/// A reload that fails keeps the certificate that works.
/// </summary>
internal sealed class CertificateSource(IReadOnlyList<string> files, Func<X509Certificate2> load)
{
    private readonly object _gate = new();
    private SslServerAuthenticationOptions? _options;
    private DateTime[] _loadedVersions = [];

    public SslServerAuthenticationOptions Options
    {
        get
        {
            var versions = files.Select(File.GetLastWriteTimeUtc).ToArray(); // a stat per file: cheap next to a handshake
            lock (_gate)
            {
                if (_options is null || !versions.SequenceEqual(_loadedVersions))
                    Reload(versions);
                return _options!;
            }
        }
    }

    private void Reload(DateTime[] versions)
    {
        try
        {
            _options = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = SslStreamCertificateContext.Create(load(), additionalCertificates: null),
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateRequired = false,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            };
            _loadedVersions = versions;
        }
        catch (Exception) when (_options is not null)
        {
            // Half-written files during a renewal: keep serving the old certificate, try again next time.
        }
    }
}

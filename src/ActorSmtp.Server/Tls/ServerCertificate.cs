using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Tls;

/// <summary>Loads (or makes, once) the server certificate and the TLS options every handshake shares.</summary>
internal static class ServerCertificate
{
    /// <summary>TLS 1.2 and 1.3 only; no client certificates (SMTP servers authenticate clients with AUTH).</summary>
    public static SslServerAuthenticationOptions Options(TlsSettings settings, string hostname) => new()
    {
        ServerCertificateContext = SslStreamCertificateContext.Create(Load(settings, hostname), additionalCertificates: null),
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    public static X509Certificate2 Load(TlsSettings settings, string hostname)
    {
        try
        {
            if (settings.CertificateFile is not null)
                return X509Certificate2.CreateFromPemFile(settings.CertificateFile, settings.KeyFile);
            if (settings.PfxFile is not null)
                return X509CertificateLoader.LoadPkcs12FromFile(settings.PfxFile, settings.PfxPassword);
            return SelfSigned(settings.SelfSignedFile, hostname);
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException)
        {
            throw new SettingsException("actorsmtp.tls", $"cannot load the certificate: {ex.Message}", ex);
        }
    }

    /// <summary>Reuses the self-signed certificate from an earlier start, or makes and keeps a new one.</summary>
    private static X509Certificate2 SelfSigned(string file, string hostname)
    {
        if (File.Exists(file))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(file, password: null);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(7))
                return existing;
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostname);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var pfx = made.Export(X509ContentType.Pkcs12);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        File.WriteAllBytes(file, pfx);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite); // it holds the private key
        return X509CertificateLoader.LoadPkcs12(pfx, password: null);
    }
}

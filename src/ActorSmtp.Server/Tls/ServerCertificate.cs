using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Server.Tls;

/// <summary>Loads certificates from their files, or makes (once) and keeps the self-signed one.</summary>
internal static class ServerCertificate
{
    public static CertificateSource Source(CertificateFiles files) =>
        files.CertificateFile is not null
            ? new CertificateSource([files.CertificateFile, files.KeyFile!],
                () => X509Certificate2.CreateFromPemFile(files.CertificateFile, files.KeyFile))
            : new CertificateSource([files.PfxFile!], () => X509CertificateLoader.LoadPkcs12FromFile(files.PfxFile!, files.PfxPassword));

    /// <summary>The self-signed certificate from an earlier start, or a new one kept in <paramref name="file"/>.</summary>
    /// <param name="made">True when it was made now: the operator is told, since clients will see a new key.</param>
    public static CertificateSource SelfSigned(string file, string hostname, out bool made)
    {
        made = !File.Exists(file) || X509CertificateLoader.LoadPkcs12FromFile(file, password: null).NotAfter < DateTime.UtcNow.AddDays(7);
        if (made)
            Make(file, hostname);
        return new CertificateSource([file], () => X509CertificateLoader.LoadPkcs12FromFile(file, password: null));
    }

    private static void Make(string file, string hostname)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostname);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        File.WriteAllBytes(file, made.Export(X509ContentType.Pkcs12));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite); // it holds the private key
    }
}

namespace ActorSmtp.Server.Configuration;

/// <summary>Certificate files: a PEM certificate (chain) and its key, or a PFX and its password.</summary>
public sealed record CertificateFiles(string? CertificateFile, string? KeyFile, string? PfxFile, string? PfxPassword)
{
    public bool IsEmpty => CertificateFile is null && PfxFile is null;

    internal static CertificateFiles From(ConfigReader section)
    {
        string? Optional(string name) => section.Config.HasPath(name) && section.String(name) is { Length: > 0 } value ? value : null;
        var files = new CertificateFiles(Optional("certificate"), Optional("key"), Optional("pfx"), Optional("password"));
        if ((files.CertificateFile is null) != (files.KeyFile is null))
            throw new SettingsException(section.Key("key"), "certificate and key go together");
        foreach (var (name, file) in new[] { ("certificate", files.CertificateFile), ("key", files.KeyFile), ("pfx", files.PfxFile) })
            if (file is not null && !File.Exists(file))
                throw new SettingsException(section.Key(name), $"file not found: {file}");
        return files;
    }
}

/// <summary>A certificate served to clients that ask for one of <paramref name="Names"/> by SNI ("*.example.com" allowed).</summary>
public sealed record NamedCertificate(IReadOnlyList<string> Names, CertificateFiles Files);

/// <summary>
/// Where server certificates come from (<c>actorsmtp.tls</c>): the default one — PEM files, a PFX, or with
/// <see cref="SelfSigned"/> one made at first start and kept in <see cref="SelfSignedFile"/> — plus any
/// number chosen by the SNI name the client asks for.
/// </summary>
public sealed record TlsSettings(
    CertificateFiles Default,
    IReadOnlyList<NamedCertificate> ByName,
    bool SelfSigned,
    string SelfSignedFile,
    TimeSpan HandshakeTimeout)
{
    /// <param name="limits">Holds <c>tls-handshake-timeout</c>; the older <c>tls.handshake-timeout</c>, when set, is its alias and wins.</param>
    internal static TlsSettings From(ConfigReader tls, ConfigReader limits)
    {
        var byName = new List<NamedCertificate>();
        if (tls.Config.HasPath("certificates"))
        {
            var items = tls.Config.GetValue("certificates").GetArray();
            for (var i = 0; i < items.Count; i++)
            {
                var entry = new ConfigReader(new Akka.Configuration.Config(new Akka.Configuration.Hocon.HoconRoot(items[i])), tls.Key($"certificates[{i}]"));
                var names = entry.Strings("names");
                var files = CertificateFiles.From(entry);
                if (names.Count == 0 || files.IsEmpty)
                    throw new SettingsException(entry.Key("names"), "each entry needs names and a certificate (certificate + key, or pfx)");
                byName.Add(new NamedCertificate(names.ToArray(), files));
            }
        }
        return new TlsSettings(
            CertificateFiles.From(tls), byName, (tls.Config.HasPath("self-signed") && tls.Bool("self-signed")), tls.String("self-signed-file"),
            tls.Config.HasPath("handshake-timeout")
                ? tls.Duration("handshake-timeout", TimeSpan.FromMilliseconds(100))
                : limits.Duration("tls-handshake-timeout", TimeSpan.FromMilliseconds(100)));
    }

    /// <summary>True when a default certificate source is configured.</summary>
    public bool HasCertificate => !Default.IsEmpty || SelfSigned;
}

namespace ActorSmtp.Server.Configuration;

/// <summary>
/// Where the server certificate comes from (<c>actorsmtp.tls</c>): a PEM certificate and key, a PFX with
/// its password, or — with <see cref="SelfSigned"/> — one made at first start and kept in <see cref="SelfSignedFile"/>.
/// </summary>
public sealed record TlsSettings(
    string? CertificateFile,
    string? KeyFile,
    string? PfxFile,
    string? PfxPassword,
    bool SelfSigned,
    string SelfSignedFile,
    TimeSpan HandshakeTimeout)
{
    internal static TlsSettings From(ConfigReader tls)
    {
        string? Optional(string name) => tls.Config.HasPath(name) && tls.String(name) is { Length: > 0 } value ? value : null;
        var settings = new TlsSettings(
            Optional("certificate"), Optional("key"), Optional("pfx"), Optional("password"),
            tls.Config.GetBoolean("self-signed", false), tls.String("self-signed-file"),
            tls.Duration("handshake-timeout", TimeSpan.FromMilliseconds(100)));
        if ((settings.CertificateFile is null) != (settings.KeyFile is null))
            throw new SettingsException(tls.Key("key"), "certificate and key go together");
        foreach (var (name, file) in new[] { ("certificate", settings.CertificateFile), ("key", settings.KeyFile), ("pfx", settings.PfxFile) })
            if (file is not null && !File.Exists(file))
                throw new SettingsException(tls.Key(name), $"file not found: {file}");
        return settings;
    }

    /// <summary>True when some certificate source is configured.</summary>
    public bool HasCertificate => CertificateFile is not null || PfxFile is not null || SelfSigned;
}

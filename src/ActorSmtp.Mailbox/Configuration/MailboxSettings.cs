using System.Net;
using Akka.Configuration;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Sinks.File;

namespace ActorSmtp.Mailbox.Configuration;

/// <summary><c>actorsmtp.mailbox</c>: where the mailbox serves, which file sink's folder it indexes, who may see it, and how much it keeps.</summary>
/// <param name="Address">An IP address, <c>localhost</c>, or <c>*</c> / <c>+</c> for every interface.</param>
/// <param name="Port">0 picks an ephemeral port.</param>
/// <param name="Sink">The name of the file sink under <c>actorsmtp.sinks</c>.</param>
/// <param name="Directory">That sink's directory, a full path (resolved as the file sink resolves it).</param>
/// <param name="Users">Basic-auth users, name → password hash; empty = open.</param>
public sealed record MailboxSettings(
    bool Enabled,
    string Address,
    int Port,
    string Sink,
    string Directory,
    IReadOnlyDictionary<string, string> Users,
    bool AllowAnonymousRemote,
    RetentionSettings Retention)
{
    public const string Section = $"{ActorSmtpSettings.Root}.mailbox";

    /// <summary>The relay sink <c>POST /api/v1/messages/{id}/release</c> sends through (<c>release-sink</c>); null: releases are off.</summary>
    public string? ReleaseSink { get; init; }

    /// <summary>Only <c>enabled</c>: whether anything else of the mailbox is to be read, loaded or started.</summary>
    public static bool IsEnabled(Config config) => Reader(config).Bool("enabled");

    /// <summary>Reads and checks <c>actorsmtp.mailbox</c>; throws <see cref="SettingsException"/> naming the bad key.</summary>
    /// <remarks>Call after <see cref="ActorSmtpSettings.FromConfig"/>, which has refused unknown keys and values of the wrong shape.</remarks>
    public static MailboxSettings FromConfig(Config config)
    {
        var mailbox = Reader(config);
        var address = mailbox.String("address");
        if (!IsAddress(address))
            throw new SettingsException(mailbox.Key("address"), $"'{address}' is not an IP address");
        var sink = mailbox.Name("sink");
        var users = AuthSettings.ReadUsers(mailbox.Section("auth"));
        var allowAnonymousRemote = mailbox.Bool("allow-anonymous-remote");
        // Every captured message is readable here: on the network only behind a password, or when asked for in so many words.
        if (!IsLoopback(address) && users.Count == 0 && !allowAnonymousRemote)
            throw new SettingsException(mailbox.Key("allow-anonymous-remote"),
                $"the mailbox listens on {address}, beyond this machine, with no users: set {mailbox.Key("auth.users")}, "
                + "or allow-anonymous-remote = on to show every message to anyone who can connect");
        var retention = mailbox.Section("retention");
        var releaseSink = mailbox.Config.HasPath("release-sink") ? mailbox.String("release-sink") : "";
        if (releaseSink.Length > 0 && config.GetConfig($"{ActorSmtpSettings.Root}.sinks.{releaseSink}") is null)
            throw new SettingsException(mailbox.Key("release-sink"), $"names no sink: there is no actorsmtp.sinks.{releaseSink}");
        return new MailboxSettings(mailbox.Bool("enabled"), address, mailbox.Int("port", min: 0, max: 65535), sink,
            FileSinkDirectory(config, sink, mailbox.Key("sink")), users, allowAnonymousRemote,
            new RetentionSettings(retention.Int("max-messages", min: 0),
                retention.Duration("max-age", TimeSpan.Zero), retention.Bytes("max-size", min: 0)))
        {
            ReleaseSink = releaseSink.Length > 0 ? releaseSink : null,
        };
    }

    /// <summary>The address is this machine only: a client elsewhere cannot reach the mailbox.</summary>
    public static bool IsLoopback(string address) =>
        address == "localhost" || (IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip));

    private static bool IsAddress(string address) =>
        IPAddress.TryParse(address, out _) || address is "localhost" or "*" or "+";

    private static ConfigReader Reader(Config config) =>
        new(config.GetConfig(Section) ?? Config.Empty, Section);

    /// <summary>The directory of the file sink named <paramref name="sink"/>; any other sink, or none, is an error on <paramref name="key"/>.</summary>
    private static string FileSinkDirectory(Config config, string sink, string key)
    {
        var block = config.GetConfig($"{ActorSmtpSettings.Root}.sinks.{sink}");
        if (block is null || block.IsEmpty || !block.HasPath("type"))
            throw new SettingsException(key, $"names no sink: there is no actorsmtp.sinks.{sink}");
        var type = block.GetString("type");
        if (!IsFileSink(type))
            throw new SettingsException(key, $"must name a sink of type = file (it indexes a file sink's folder); actorsmtp.sinks.{sink} is of type {type}");
        var directory = block.GetString("directory", null);
        if (string.IsNullOrWhiteSpace(directory))
            throw new SettingsException($"{ActorSmtpSettings.Root}.sinks.{sink}.directory", "missing");
        return Path.GetFullPath(directory); // as FileSink resolves it: against the working directory
    }

    // "file" as the host registers it (ShippedSinks), or the class by its assembly-qualified name.
    private static bool IsFileSink(string? type) =>
        string.Equals(type, "file", StringComparison.OrdinalIgnoreCase)
        || (type is not null && Type.GetType(type, throwOnError: false) == typeof(FileSink));
}

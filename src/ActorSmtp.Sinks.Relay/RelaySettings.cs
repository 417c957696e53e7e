using System.Net;
using ActorSmtp.Dns;
using Akka.Configuration;

namespace ActorSmtp.Sinks.Relay;

/// <summary>How the upstream connection is secured: RFC 3207 STARTTLS, or TLS from the first byte (RFC 8314 §3.3).</summary>
internal enum TlsMode
{
    None,
    StartTls,
    Implicit,
}

/// <summary>Where the AUTH password comes from: a file or an environment variable, never the HOCON itself.</summary>
internal sealed record Credentials(string User, string PasswordFile, string PasswordEnv)
{
    /// <summary>Read at each login, so a rotated file takes effect without a restart.</summary>
    /// <exception cref="InvalidOperationException">The file or variable is missing (its content is never part of the message).</exception>
    public string Password()
    {
        if (PasswordFile.Length > 0)
            return File.ReadAllText(PasswordFile).TrimEnd('\r', '\n');
        return Environment.GetEnvironmentVariable(PasswordEnv)
               ?? throw new InvalidOperationException($"relay sink: environment variable {PasswordEnv} is not set");
    }
}

/// <summary>The relay sink's HOCON block, read and validated once, when the sink is created.</summary>
internal sealed record RelaySettings(
    string Host,
    int Port,
    TlsMode Tls,
    bool VerifyCertificate,
    Credentials? Auth,
    bool Mx,
    IReadOnlyList<IPEndPoint> DnsServers,
    TimeSpan DnsTimeout,
    string HeloName,
    TimeSpan ConnectTimeout,
    TimeSpan CommandTimeout,
    int MaxPerDestination,
    TimeSpan Idle)
{
    /// <exception cref="ConfigurationException">A setting is invalid; the message names its key.</exception>
    public static RelaySettings From(Config config)
    {
        var mx = config.GetBoolean("mx", false);
        var host = config.GetString("host", "").Trim();
        if (!mx && host.Length == 0)
            throw Invalid("host", "must name the smarthost (or set mx = on)");
        if (mx && host.Length > 0)
            throw Invalid("host", "must be empty with mx = on (the recipients' MX hosts are the upstream)");
        var port = config.GetInt("port", 25);
        if (port is < 1 or > 65535)
            throw Invalid("port", $"must be between 1 and 65535, not {port}");
        var helo = config.GetString("helo-name", "").Trim();
        return new RelaySettings(
            host,
            port,
            ParseTls(config.GetString("tls", "none")),
            config.GetBoolean("verify-certificate", true),
            ReadAuth(config),
            mx,
            config.GetStringList("dns.servers").Select(ParseServer).ToArray(),
            Positive(config, "dns.timeout", TimeSpan.FromSeconds(5)),
            helo.Length > 0 ? helo : System.Net.Dns.GetHostName(),
            Positive(config, "connect-timeout", TimeSpan.FromSeconds(10)),
            Positive(config, "command-timeout", TimeSpan.FromSeconds(60)),
            PoolSize(config),
            Positive(config, "pool.idle", TimeSpan.FromSeconds(30)));
    }

    /// <summary>The resolver the MX lookups ask: the block's <c>dns</c> servers and timeout, two attempts each.</summary>
    public DnsSettings ResolverSettings => new(DnsServers, DnsTimeout, 2, DnsCacheSettings.Default);

    internal static ConfigurationException Invalid(string key, string problem) => new($"relay sink: `{key}` {problem}");

    private static TlsMode ParseTls(string tls) => tls.Trim().ToLowerInvariant() switch
    {
        "none" or "off" => TlsMode.None,
        "starttls" => TlsMode.StartTls,
        "implicit" => TlsMode.Implicit,
        _ => throw Invalid("tls", $"must be none, starttls or implicit, not \"{tls}\""),
    };

    private static Credentials? ReadAuth(Config config)
    {
        var user = config.GetString("auth.user", "");
        var file = config.GetString("auth.password-file", "");
        var env = config.GetString("auth.password-env", "");
        if (user.Length == 0)
            return file.Length == 0 && env.Length == 0 ? null : throw Invalid("auth.user", "must be set with a password source");
        if ((file.Length == 0) == (env.Length == 0))
            throw Invalid("auth.password-file", "or auth.password-env: exactly one must say where the password is");
        return new Credentials(user, file, env);
    }

    // "127.0.0.1" or "127.0.0.1:5353" or "[::1]:53": a test resolver listens on a port of its own.
    private static IPEndPoint ParseServer(string server)
    {
        try
        {
            return DnsSettings.ParseServer(server);
        }
        catch (FormatException ex)
        {
            throw Invalid("dns.servers", ex.Message);
        }
    }

    private static int PoolSize(Config config)
    {
        var size = config.GetInt("pool.max-per-destination", 4);
        return size is >= 1 and <= 1000 ? size : throw Invalid("pool.max-per-destination", $"must be between 1 and 1000, not {size}");
    }

    private static TimeSpan Positive(Config config, string key, TimeSpan fallback)
    {
        var value = config.HasPath(key) ? config.GetTimeSpan(key, null, allowInfinite: false) : fallback;
        return value > TimeSpan.Zero ? value : throw Invalid(key, "must be positive");
    }
}

using Akka.Configuration;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ActorSmtp.Sinks.AzureBlob;

/// <summary>The blob sink's HOCON block, read and validated once, when the sink is created.</summary>
internal sealed record BlobSinkSettings(
    string ConnectionString,
    string Container,
    NameTemplate Names,
    AccessTier? AccessTier,
    int BlockSize,
    int MaxRetries,
    TimeSpan Delay,
    TimeSpan MaxDelay,
    TimeSpan NetworkTimeout,
    BlobClientOptions.ServiceVersion? ServiceVersion)
{
    public const string DefaultConnectionString = "UseDevelopmentStorage=true";
    public const int DefaultBlockSize = 4 * 1024 * 1024;

    // Azure: a block is at most 4000 MiB, but each block is buffered in memory here, so keep it sane.
    private const long MaxBlockSize = 256L * 1024 * 1024;

    /// <exception cref="ConfigurationException">A setting is invalid; the message names its key.</exception>
    public static BlobSinkSettings From(Config config)
    {
        var connectionString = config.GetString("connection-string", DefaultConnectionString);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw Invalid("connection-string", "must not be empty");
        var container = config.GetString("container", "mail");
        if (!IsValidContainerName(container))
            throw Invalid("container", $"\"{container}\" is not a valid container name (3-63 of a-z 0-9 -, no leading, trailing or double -)");
        var blockSize = Read("block-size", () => config.GetByteSize("block-size") ?? DefaultBlockSize, DefaultBlockSize, config);
        if (blockSize is < 16 or > MaxBlockSize)
            throw Invalid("block-size", $"must be between 16 bytes and {MaxBlockSize / (1024 * 1024)}MiB, not {blockSize}");
        var maxRetries = Read("retry.max-retries", () => config.GetInt("retry.max-retries"), 3, config);
        if (maxRetries is < 0 or > 20)
            throw Invalid("retry.max-retries", $"must be between 0 and 20, not {maxRetries}");
        var delay = Duration(config, "retry.delay", TimeSpan.FromMilliseconds(200));
        var maxDelay = Duration(config, "retry.max-delay", TimeSpan.FromSeconds(5));
        if (maxDelay < delay)
            throw Invalid("retry.max-delay", $"must not be shorter than retry.delay ({delay})");
        var networkTimeout = Duration(config, "retry.network-timeout", TimeSpan.FromSeconds(30));
        if (networkTimeout <= TimeSpan.Zero)
            throw Invalid("retry.network-timeout", "must be positive");
        return new BlobSinkSettings(
            connectionString,
            container,
            NameTemplate.Parse(config.GetString("name-template", NameTemplate.Default)),
            ParseTier(config.GetString("access-tier", "")),
            (int)blockSize,
            maxRetries,
            delay,
            maxDelay,
            networkTimeout,
            ParseServiceVersion(config.GetString("service-version", "")));
    }

    /// <summary>The one container client of a sink; its retry policy is the sink's <c>retry</c> block.</summary>
    /// <exception cref="ConfigurationException">The connection string cannot be parsed (its text is never echoed: it holds the key).</exception>
    public BlobContainerClient CreateContainerClient()
    {
        var options = ServiceVersion is { } version ? new BlobClientOptions(version) : new BlobClientOptions();
        // Transient failures (timeouts, 408/429/500/502/503/504, refused connections) are retried by the
        // Azure pipeline itself, with exponential backoff and jitter; after the last try the store fails (451).
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = Delay;
        options.Retry.MaxDelay = MaxDelay;
        options.Retry.NetworkTimeout = NetworkTimeout;
        try
        {
            return new BlobContainerClient(ConnectionString, Container, options);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            throw Invalid("connection-string", $"cannot be parsed ({ex.GetType().Name})");
        }
    }

    internal static ConfigurationException Invalid(string key, string problem) => new($"azure-blob sink: `{key}` {problem}");

    private static T Read<T>(string key, Func<T> read, T fallback, Config config)
    {
        if (!config.HasPath(key))
            return fallback;
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is not ConfigurationException)
        {
            throw Invalid(key, $"cannot be read: {ex.Message}");
        }
    }

    private static TimeSpan Duration(Config config, string key, TimeSpan fallback)
    {
        var value = Read(key, () => config.GetTimeSpan(key, null, allowInfinite: false), fallback, config);
        return value >= TimeSpan.Zero ? value : throw Invalid(key, "must not be negative");
    }

    private static AccessTier? ParseTier(string tier) => tier.Trim().ToLowerInvariant() switch
    {
        "" => (AccessTier?)null,
        "hot" => Azure.Storage.Blobs.Models.AccessTier.Hot,
        "cool" => Azure.Storage.Blobs.Models.AccessTier.Cool,
        "cold" => Azure.Storage.Blobs.Models.AccessTier.Cold,
        "archive" => Azure.Storage.Blobs.Models.AccessTier.Archive,
        _ => throw Invalid("access-tier", $"must be \"\" (the account's default), Hot, Cool, Cold or Archive, not \"{tier}\""),
    };

    // "2025-11-05" → V2025_11_05: pins the REST API version, e.g. for an emulator that lags the SDK.
    private static BlobClientOptions.ServiceVersion? ParseServiceVersion(string version)
    {
        if (string.IsNullOrWhiteSpace(version))
            return null;
        return Enum.TryParse<BlobClientOptions.ServiceVersion>("V" + version.Trim().Replace('-', '_'), out var parsed)
               && Enum.IsDefined(parsed)
            ? parsed
            : throw Invalid("service-version", $"\"{version}\" is not a service version this client knows (e.g. 2025-11-05)");
    }

    // https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata
    private static bool IsValidContainerName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);
}

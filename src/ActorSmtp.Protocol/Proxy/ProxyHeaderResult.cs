using System.Net;

namespace ActorSmtp.Protocol.Proxy;

/// <summary>Which PROXY protocol versions a listener accepts in front of SMTP.</summary>
[Flags]
public enum ProxyProtocolVersions
{
    /// <summary>Only the text header "PROXY TCP4 …\r\n".</summary>
    V1 = 1,
    /// <summary>Only the binary header that starts with the 12-octet signature.</summary>
    V2 = 2,
    /// <summary>Either; the first octet tells them apart.</summary>
    Any = V1 | V2,
}

public enum ProxyHeaderStatus
{
    /// <summary>The input is a valid beginning of a header: read more and parse again from the start.</summary>
    NeedMore,
    /// <summary>A complete header of <see cref="ProxyHeaderResult.Length"/> octets; SMTP starts right after it.</summary>
    Parsed,
    /// <summary>Not an acceptable header (see <see cref="ProxyHeaderResult.Error"/>): close the connection without a reply.</summary>
    Invalid,
}

/// <summary>
/// The outcome of <see cref="ProxyHeaderParser.Parse"/>. When <see cref="Source"/> is null the connection's own
/// endpoints stand: a v2 LOCAL command (the proxy's health check), a v1 UNKNOWN line, or a v2 PROXY command
/// for AF_UNSPEC or AF_UNIX.
/// </summary>
public readonly record struct ProxyHeaderResult
{
    private ProxyHeaderResult(ProxyHeaderStatus status, int length, int version, bool isLocal,
        IPEndPoint? source, IPEndPoint? destination, string? error)
    {
        Status = status;
        Length = length;
        Version = version;
        IsLocal = isLocal;
        Source = source;
        Destination = destination;
        Error = error;
    }

    public static ProxyHeaderResult NeedMore { get; } = new(ProxyHeaderStatus.NeedMore, 0, 0, false, null, null, null);

    public ProxyHeaderStatus Status { get; }

    /// <summary>Octets the header occupies (CR LF or TLVs included); 0 unless parsed.</summary>
    public int Length { get; }

    /// <summary>1 or 2 once parsed; 0 otherwise.</summary>
    public int Version { get; }

    /// <summary>v2 LOCAL or v1 UNKNOWN: the proxy speaks for itself, not for a client.</summary>
    public bool IsLocal { get; }

    /// <summary>The client as the proxy saw it; null when the header carries no IP address.</summary>
    public IPEndPoint? Source { get; }

    /// <summary>The address the client connected to at the proxy; null when the header carries no IP address.</summary>
    public IPEndPoint? Destination { get; }

    /// <summary>Why the header is invalid (a constant text, safe to log); null otherwise.</summary>
    public string? Error { get; }

    internal static ProxyHeaderResult Invalid(string error) => new(ProxyHeaderStatus.Invalid, 0, 0, false, null, null, error);

    internal static ProxyHeaderResult Local(int length, int version) => new(ProxyHeaderStatus.Parsed, length, version, true, null, null, null);

    internal static ProxyHeaderResult Proxied(int length, int version, IPEndPoint? source, IPEndPoint? destination) =>
        new(ProxyHeaderStatus.Parsed, length, version, false, source, destination, null);
}

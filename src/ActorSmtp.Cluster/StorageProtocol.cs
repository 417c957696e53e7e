using System.Net;
using Akka.Streams;
using ActorSmtp.Sinks;
using MimeKit;

namespace ActorSmtp.Cluster;

/// <summary>
/// Messages between a front node (<see cref="StorageProxyActor"/>) and a storage node (<see cref="StorageNodeActor"/>).
/// They cross the network, so they hold only plain data; the body never travels as one message (remoting
/// frames are capped at 128 000 bytes) but as a stream reference the storage node pulls from, with backpressure.
/// The answer is the <see cref="SinkProtocol.Result"/> of the storage node's sinks, as it is.
/// </summary>
internal static class StorageProtocol
{
    /// <summary>The path of <see cref="StorageNodeActor"/> on every node with the storage role.</summary>
    public const string StorageNodeName = "actorsmtp-storage";

    /// <summary>Largest body chunk sent as one stream element, well under remoting's frame size.</summary>
    public const int MaxChunk = 32 * 1024;

    /// <summary>Store one message on this storage node; answered with one <see cref="SinkProtocol.Result"/>.</summary>
    /// <param name="HeaderBlock">The sniffed header fields, re-serialized: the storage node parses them again.</param>
    /// <param name="Body">The body, chunks of at most <see cref="MaxChunk"/> bytes (byte[] has Akka's byte-array serializer).</param>
    public sealed record RemoteStore(RemoteEnvelope Envelope, byte[] HeaderBlock, ISourceRef<byte[]> Body, TimeSpan? Timeout);

    /// <summary><see cref="SmtpEnvelope"/> in plain fields (IPEndPoint does not serialize).</summary>
    public sealed record RemoteEnvelope(
        string MessageId, DateTimeOffset ReceivedAt, string MailFrom, string[] RcptTo,
        string ClientAddress, int ClientPort, string ServerAddress, int ServerPort, string HeloName,
        bool SmtpUtf8, bool EightBitMime, string? TlsProtocol, string? TlsCipherSuite, string? TlsServerName,
        string? AuthenticatedAs)
    {
        public static RemoteEnvelope From(SmtpEnvelope e) => new(
            e.MessageId, e.ReceivedAt, e.MailFrom, e.RcptTo.ToArray(),
            e.Client.Address.ToString(), e.Client.Port, e.Server.Address.ToString(), e.Server.Port, e.HeloName,
            e.SmtpUtf8, e.EightBitMime, e.Tls?.Protocol, e.Tls?.CipherSuite, e.Tls?.ServerName, e.AuthenticatedAs);

        public SmtpEnvelope ToEnvelope() => new(
            MessageId, ReceivedAt, MailFrom, RcptTo,
            new IPEndPoint(IPAddress.Parse(ClientAddress), ClientPort), new IPEndPoint(IPAddress.Parse(ServerAddress), ServerPort),
            HeloName, SmtpUtf8, EightBitMime,
            TlsProtocol is null ? null : new TlsInfo(TlsProtocol, TlsCipherSuite ?? "", TlsServerName), AuthenticatedAs);
    }

    /// <summary>Asks a <see cref="StorageNodeActor"/> or <see cref="StorageProxyActor"/> for its <see cref="Stats"/> (local only).</summary>
    public sealed record GetStats
    {
        public static readonly GetStats Instance = new();
    }

    /// <param name="Stored">Messages stored (on a storage node) or acknowledged by a storage node (on a front node).</param>
    /// <param name="Failed">Messages answered with a failure.</param>
    /// <param name="InFlight">Messages not answered yet.</param>
    public sealed record Stats(long Stored, long Failed, int InFlight);

    /// <summary>The header fields as a header block again (raw values kept), for <see cref="SniffedHeaders.Parse"/> on the other side.</summary>
    public static byte[] HeaderBlock(SniffedHeaders headers)
    {
        if (ReferenceEquals(headers, SniffedHeaders.Empty) || headers.All.Count == 0)
            return [];
        using var stream = new MemoryStream();
        headers.All.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }
}

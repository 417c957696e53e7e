namespace ActorSmtp.Protocol.Session;

public enum SessionState
{
    /// <summary>Greeted; no HELO/EHLO yet.</summary>
    Connected,
    /// <summary>HELO/EHLO done; no transaction.</summary>
    Ready,
    /// <summary>MAIL accepted; collecting recipients.</summary>
    InTransaction,
    /// <summary>DATA accepted (354 sent) or a BDAT chunk announced; its octets are being received.</summary>
    ReceivingData,
    /// <summary>BDAT chunks of the message arrived (RFC 3030); more BDAT, or RSET, is expected.</summary>
    BetweenChunks,
    /// <summary>QUIT or a fatal condition; nothing more is read.</summary>
    Closed,
}

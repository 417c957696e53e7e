namespace ActorSmtp.Protocol.Session;

public enum SessionState
{
    /// <summary>Greeted; no HELO/EHLO yet.</summary>
    Connected,
    /// <summary>HELO/EHLO done; no transaction.</summary>
    Ready,
    /// <summary>MAIL accepted; collecting recipients.</summary>
    InTransaction,
    /// <summary>DATA accepted (354 sent); the body is being received.</summary>
    ReceivingData,
    /// <summary>QUIT or a fatal condition; nothing more is read.</summary>
    Closed,
}

namespace ActorSmtp.Sinks;

/// <summary>Why a <see cref="MessageBody"/> failed before its end of data (see <see cref="MessageBodyException"/>).</summary>
public enum BodyFailureCause
{
    /// <summary>The connection closed before the end of data: the client hung up (FIN or RST), or the server shut it.</summary>
    ConnectionClosed,

    /// <summary>The client was too slow: <c>data-timeout</c>, <c>min-data-rate</c>, or it stopped reading replies.</summary>
    ClientTimeout,

    /// <summary>The body exceeded <c>max-message-size</c> (the client gets 552 5.3.4).</summary>
    MessageTooLarge,

    /// <summary>The header block exceeded <c>max-header-size</c> (552 5.3.4).</summary>
    HeaderTooLarge,

    /// <summary>The body broke the line rules: a bare CR or LF (550 5.6.11), or a line longer than RFC 5321 allows.</summary>
    InvalidData,

    /// <summary>The client ended the transaction before the last BDAT chunk (RSET, QUIT, EHLO, a refused chunk).</summary>
    TransactionEnded,

    /// <summary>
    /// The node that received the message (a cluster's front node) stopped sending it: its client broke it off,
    /// or that node or the network to it failed. Nothing the sink that stores it did.
    /// </summary>
    SenderFailed,

    /// <summary>The sink answered before the end of data; the rest of the body is not wanted.</summary>
    SinkAnswered,

    /// <summary>The sink stopped taking the body (its storage stalled) for longer than its timeout; the connection gave up on it.</summary>
    SinkTimeout,

    /// <summary>A fault <c>actorsmtp.faults</c> injected on purpose ended the transaction: nothing the sink did.</summary>
    InjectedFault,

    /// <summary>The server refused the message after its end of data (a DMARC p=reject failure, <c>dmarc-reject = reject</c>): nothing the sink did.</summary>
    Refused,
}

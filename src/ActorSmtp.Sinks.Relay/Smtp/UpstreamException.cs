namespace ActorSmtp.Sinks.Relay.Smtp;

/// <summary>The upstream cannot be reached or spoke nonsense: the message is not delivered, try later (451 4.4.1).</summary>
internal sealed class UpstreamUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The upstream answered a command of the transaction with a refusal: that reply is the client's.</summary>
internal sealed class UpstreamRefusedException(string command, UpstreamReply reply)
    : Exception($"upstream refused {command}: {reply}")
{
    public UpstreamReply Reply { get; } = reply;
}

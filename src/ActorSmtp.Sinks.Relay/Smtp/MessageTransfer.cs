using System.Text;

namespace ActorSmtp.Sinks.Relay.Smtp;

/// <summary>
/// One mail transaction on an upstream session: MAIL FROM, a RCPT TO per recipient (pipelined when offered,
/// RFC 2920), then the body by BDAT when the upstream offers CHUNKING (RFC 3030), else by DATA with dot-stuffing.
/// </summary>
/// <remarks>
/// The body streams from the client to the upstream through one fixed buffer. Its end (the final BDAT LAST or
/// the "." line) is sent only once the body has ended without error, i.e. after the server validated the
/// client's end of data; a body that fails, or a store that is cancelled, breaks the session off instead, and an
/// upstream discards a transaction whose end it never saw (RFC 5321 §4.1.1.4, RFC 3030 §2).
/// </remarks>
internal static class MessageTransfer
{
    /// <summary>Relays one message; returns the upstream's final positive reply.</summary>
    /// <exception cref="UpstreamRefusedException">The upstream refused MAIL, a recipient, or the message.</exception>
    /// <exception cref="UpstreamUnavailableException">The session failed on the way.</exception>
    public static async Task<UpstreamReply> SendAsync(
        UpstreamConnection connection, SmtpEnvelope envelope, byte[] received, MessageBody body, CancellationToken cancellationToken)
    {
        await EnvelopeAsync(connection, envelope, cancellationToken).ConfigureAwait(false);
        try
        {
            return connection.Capabilities.Chunking
                ? await ChunkedAsync(connection, received, body, cancellationToken).ConfigureAwait(false)
                : await DataAsync(connection, received, body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not UpstreamRefusedException)
        {
            connection.Break(); // cut off mid-body: the upstream must never see an end
            throw;
        }
    }

    private static async Task EnvelopeAsync(UpstreamConnection connection, SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        var commands = new List<string>(envelope.RcptTo.Count + 1) { MailCommand(envelope, connection.Capabilities) };
        commands.AddRange(envelope.RcptTo.Select(rcpt => $"RCPT TO:<{rcpt}>"));
        var replies = connection.Capabilities.Pipelining
            ? await PipelinedAsync(connection, commands, cancellationToken).ConfigureAwait(false)
            : await OneByOneAsync(connection, commands, cancellationToken).ConfigureAwait(false);
        if (!replies[0].IsPositive)
            throw new UpstreamRefusedException("MAIL FROM", replies[0]);
        // One destination, one answer: a recipient the upstream refused refuses the message, so a 250 always means
        // every recipient was taken (the client retries the whole transaction, never a part of it).
        if (replies.Skip(1).FirstOrDefault(reply => !reply.IsPositive) is { } refusal)
            throw new UpstreamRefusedException("RCPT TO", refusal);
    }

    // RFC 2920 §3.1: MAIL and RCPT may go in one write; the replies come back in order.
    private static async Task<List<UpstreamReply>> PipelinedAsync(UpstreamConnection connection, List<string> commands, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(Encoding.UTF8.GetBytes(string.Concat(commands.Select(c => c + "\r\n"))), cancellationToken).ConfigureAwait(false);
        var replies = new List<UpstreamReply>(commands.Count);
        foreach (var _ in commands)
            replies.Add(await connection.ReadAsync(cancellationToken).ConfigureAwait(false));
        return replies;
    }

    private static async Task<List<UpstreamReply>> OneByOneAsync(UpstreamConnection connection, List<string> commands, CancellationToken cancellationToken)
    {
        var replies = new List<UpstreamReply>(commands.Count);
        foreach (var command in commands)
        {
            var reply = await connection.CommandAsync(command, cancellationToken).ConfigureAwait(false);
            replies.Add(reply);
            if (!reply.IsPositive)
                break; // the first refusal decides; the rest need not be asked
        }
        return replies;
    }

    private static string MailCommand(SmtpEnvelope envelope, Capabilities offered)
    {
        var command = new StringBuilder("MAIL FROM:<").Append(envelope.MailFrom).Append('>');
        if (envelope.SmtpUtf8)
        {
            // RFC 6531 §3.2: a message that needs SMTPUTF8 must not be sent to a server without it.
            if (!offered.SmtpUtf8)
                throw new UpstreamRefusedException("MAIL FROM", new UpstreamReply(553, ["5.6.7 upstream does not support SMTPUTF8"]));
            command.Append(" SMTPUTF8");
        }
        // RFC 6152 §3: declare 8-bit content where the upstream knows the parameter; without it, send as is (as Postfix does).
        if (envelope.EightBitMime && offered.EightBitMime)
            command.Append(" BODY=8BITMIME");
        return command.ToString();
    }

    private static async Task<UpstreamReply> ChunkedAsync(UpstreamConnection connection, byte[] received, MessageBody body, CancellationToken cancellationToken)
    {
        using var buffer = new OutgoingBuffer(chunk => SendChunkAsync(connection, chunk, last: false, cancellationToken));
        await buffer.PutAsync(received).ConfigureAwait(false);
        await foreach (var chunk in body.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            await buffer.PutAsync(chunk).ConfigureAwait(false);
        // The body ended without error: its last bytes go with LAST (RFC 3030 §2), whose reply is the outcome.
        cancellationToken.ThrowIfCancellationRequested(); // past the deadline the client has its 451: deliver nothing
        var reply = await SendChunkAsync(connection, buffer.Pending, last: true, cancellationToken).ConfigureAwait(false);
        buffer.Clear();
        return reply;
    }

    private static async Task<UpstreamReply> SendChunkAsync(UpstreamConnection connection, ReadOnlyMemory<byte> chunk, bool last, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(Encoding.ASCII.GetBytes($"BDAT {chunk.Length}{(last ? " LAST" : "")}\r\n"), cancellationToken).ConfigureAwait(false);
        await connection.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        var reply = await connection.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (reply.IsPositive)
            return reply;
        connection.Break(); // RFC 3030 §2: after a failed BDAT the server's state is not worth trusting with the next message
        throw new UpstreamRefusedException("BDAT", reply);
    }

    private static async Task<UpstreamReply> DataAsync(UpstreamConnection connection, byte[] received, MessageBody body, CancellationToken cancellationToken)
    {
        var go = await connection.CommandAsync("DATA", cancellationToken).ConfigureAwait(false);
        if (go.Code != 354)
            throw new UpstreamRefusedException("DATA", go);
        using var buffer = new OutgoingBuffer(chunk => connection.WriteAsync(chunk, cancellationToken));
        var stuffing = new DotStuffing(buffer);
        await stuffing.WriteAsync(received).ConfigureAwait(false);
        await foreach (var chunk in body.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            await stuffing.WriteAsync(chunk).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested(); // past the deadline the client has its 451: deliver nothing
        await stuffing.EndAsync().ConfigureAwait(false);
        var reply = await connection.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reply.IsPositive ? reply : throw new UpstreamRefusedException("DATA", reply);
    }
}

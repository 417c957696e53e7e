using System.Buffers;
using ActorSmtp.Protocol.Commands;
using ActorSmtp.Protocol.Data;
using ActorSmtp.Protocol.Replies;
using ActorSmtp.Protocol.Session;

namespace ActorSmtp.Fuzzing;

/// <summary>
/// Runs <see cref="CommandLineReader"/>, <see cref="SmtpSession"/> and <see cref="DataDecoder"/> (or, for BDAT,
/// <see cref="ChunkDecoder"/>, skipping refused chunks) over a byte
/// stream the way the connection actor does, without sockets or actors, and checks the invariants on the way:
/// one reply per framed line, bounded held input, a consistent session state.
/// <para>
/// Deliberate simplifications: STARTTLS "succeeds" at once and the bytes after it are taken as the decrypted
/// stream (the actor drops what it had buffered; that would make the outcome depend on the split); AUTH
/// succeeds for the password "good"; the end of DATA is judged as the actor does (550 5.6.11, 552, or 250).
/// </para>
/// </summary>
public sealed class SessionDriver
{
    /// <summary>The most input the driver may hold between reads: the longest line the reader waits for.</summary>
    public const int HeldLimit = CommandLineReader.AuthLineLength;

    private readonly SmtpSession _session;
    private readonly CommandLineReader _lines = new();
    private readonly DataDecoder _decoder = new();
    private readonly ChunkDecoder _chunks = new();
    private IBodyDecoder _body;
    private bool _inMessage; // a BDAT message is open between its chunks
    private bool _moreChunks;
    private long _skip; // octets of a refused BDAT chunk still to drop
    private byte[] _held = [];
    private byte[] _output = new byte[256];
    private ulong _bodyHash;

    public SessionDriver(SmtpSessionOptions options, bool secure = false)
    {
        _session = new SmtpSession(options, secure);
        _body = _decoder;
    }

    /// <summary>A policy that lets the fuzzer reach every state: STARTTLS, AUTH before TLS, small limits.</summary>
    public static SmtpSessionOptions FuzzOptions { get; } = new(
        "mx.fuzz", maxMessageSize: 2000, maxRecipients: 3, maxErrors: 40, acceptedDomains: ["x.test"],
        offerStartTls: true, auth: AuthMode.Optional, allowInsecureAuth: true, maxAuthFailures: 3, maxJunkCommands: 20);

    public SmtpSession Session => _session;

    /// <summary>Every reply in order, farewells included.</summary>
    public List<SmtpReply> Replies { get; } = [];

    /// <summary>One hash per message that reached its end of data (delivered or refused).</summary>
    public List<ulong> Messages { get; } = [];

    /// <summary>Lines the reader framed (CR LF lines, over-long lines, bare-LF lines).</summary>
    public int LinesFramed { get; private set; }

    public int MaxHeld { get; private set; }

    public bool IsClosed { get; private set; }

    /// <summary>Feeds one read's worth of bytes; unconsumed input is kept and presented again with the next.</summary>
    public void Feed(ReadOnlyMemory<byte> chunk)
    {
        if (IsClosed)
            return;
        var input = Sequences.Of(_held, chunk);
        var reader = new SequenceReader<byte>(input);
        while (!IsClosed && Step(ref reader))
        {
        }
        _held = IsClosed ? [] : input.Slice(reader.Position).ToArray();
        MaxHeld = Math.Max(MaxHeld, _held.Length);
        FuzzInvariantException.Check(_held.Length < HeldLimit, $"held {_held.Length} octets between reads");
    }

    /// <summary>Feeds <paramref name="data"/> in pieces of the given sizes (cycled).</summary>
    public SessionDriver Run(ReadOnlyMemory<byte> data, IReadOnlyList<int> pieceSizes)
    {
        for (int offset = 0, i = 0; offset < data.Length && !IsClosed; i++)
        {
            var size = Math.Min(pieceSizes[i % pieceSizes.Count], data.Length - offset);
            Feed(data.Slice(offset, size));
            offset += size;
        }
        return this;
    }

    public bool SameOutcome(SessionDriver other) =>
        Replies.Count == other.Replies.Count && Replies.Zip(other.Replies).All(p => p.First.Bytes.Span.SequenceEqual(p.Second.Bytes.Span)) &&
        Messages.SequenceEqual(other.Messages) &&
        IsClosed == other.IsClosed && LinesFramed == other.LinesFramed && _session.State == other._session.State;

    private bool Step(ref SequenceReader<byte> reader)
    {
        if (_skip > 0)
            return SkipStep(ref reader);
        if (_session.State == SessionState.ReceivingData)
            return DataStep(ref reader);
        _inMessage &= _session.State == SessionState.BetweenChunks; // RSET, EHLO, a refused BDAT: the message is gone

        var status = _lines.TryRead(ref reader, out var line);
        if (status == LineStatus.NeedMore)
            return false;
        LinesFramed++;
        var step = status == LineStatus.Line ? Execute(line) : _session.Reject(status);
        _lines.InAuthExchange = _session.InAuthExchange;
        Carry(step);
        return true;
    }

    private SessionStep Execute(in ReadOnlySequence<byte> line)
    {
        FuzzInvariantException.Check(line.Length < HeldLimit, $"a framed line of {line.Length} octets");
        Span<byte> contiguous = stackalloc byte[(int)line.Length];
        line.CopyTo(contiguous);
        return _session.Execute(contiguous);
    }

    private void Carry(SessionStep step)
    {
        var replies = 0;
        if (step.Reply is { } reply)
        {
            Replies.Add(reply);
            replies++;
        }
        switch (step.Action)
        {
            case SessionAction.BeginData:
                FuzzInvariantException.Check(_session.State == SessionState.ReceivingData, "BeginData outside ReceivingData");
                _decoder.Reset();
                _body = _decoder;
                _bodyHash = 14695981039346656037UL;
                break;
            case SessionAction.BeginChunk:
                FuzzInvariantException.Check(step.Reply is null && _session.State == SessionState.ReceivingData, "BeginChunk with a reply or outside ReceivingData");
                if (!_inMessage)
                {
                    _chunks.Reset();
                    _bodyHash = 14695981039346656037UL;
                }
                _inMessage = true;
                _body = _chunks;
                _chunks.StartChunk(step.Chunk.Size);
                _moreChunks = !step.Chunk.Last;
                replies++; // answered after its octets
                break;
            case SessionAction.SkipChunk:
                _skip = step.Chunk.Size;
                break;
            case SessionAction.StartTls:
                _lines.Reset();
                _session.TlsEstablished();
                break;
            case SessionAction.Authenticate:
                FuzzInvariantException.Check(step.Reply is null && step.Credentials is not null, "Authenticate with a reply or without credentials");
                var verdict = _session.AuthenticationCompleted(step.Credentials!.Password == "good" ? step.Credentials.UserName : null);
                Replies.Add(verdict.Reply!);
                replies++;
                if (verdict.Action == SessionAction.Close)
                    Close(verdict);
                break;
            case SessionAction.Close:
                Close(step);
                break;
        }
        FuzzInvariantException.Check(replies == 1, $"{replies} replies to one command line");
    }

    private void Close(SessionStep step)
    {
        if (step.Farewell is { } farewell)
            Replies.Add(farewell);
        FuzzInvariantException.Check(_session.State == SessionState.Closed, $"Close in state {_session.State}");
        IsClosed = true;
    }

    private bool DataStep(ref SequenceReader<byte> reader)
    {
        var input = reader.UnreadSpan;
        if (input.IsEmpty)
            return false;
        if (_output.Length < DataDecoder.MaxOutputLength(input.Length))
            _output = new byte[DataDecoder.MaxOutputLength(input.Length)];
        var complete = _body.Decode(input, _output, out var consumed, out var written);
        FuzzInvariantException.Check(complete || consumed == input.Length, "the decoder stopped early before the end of data");
        foreach (var b in _output.AsSpan(0, written))
            _bodyHash = (_bodyHash ^ b) * 1099511628211UL;
        reader.Advance(consumed);
        if (complete && _moreChunks)
        {
            _moreChunks = false;
            Replies.Add(_session.CompleteChunk());
        }
        else if (complete)
            EndData();
        return true;
    }

    private bool SkipStep(ref SequenceReader<byte> reader)
    {
        var take = Math.Min(_skip, reader.Remaining);
        reader.Advance(take);
        _skip -= take;
        return _skip == 0;
    }

    private void EndData()
    {
        var reply = _body.SawBareLineEnding ? StandardReplies.BareLineEndingInData
            : _body.Size > _session.Options.MaxMessageSize ? StandardReplies.MessageTooBig
            : StandardReplies.Ok;
        Replies.Add(reply);
        Messages.Add(_bodyHash ^ (ulong)_body.Size);
        _inMessage = false;
        _session.CompleteData(delivered: reply == StandardReplies.Ok);
    }
}

using ActorSmtp.Protocol.Data;
using ActorSmtp.Protocol.Proxy;

namespace ActorSmtp.Fuzzing;

/// <summary>
/// The fuzz targets. Each takes one input, must never throw anything but <see cref="FuzzInvariantException"/>
/// on a real finding, and checks that the outcome does not depend on how the input was split.
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>
    {
        ["session"] = Session,
        ["data"] = Data,
        ["proxy"] = Proxy,
    };

    /// <summary>The command session with DATA, AUTH and STARTTLS: whole input versus input in small pieces.</summary>
    public static void Session(byte[] input)
    {
        var whole = new SessionDriver(SessionDriver.FuzzOptions).Run(input, [Math.Max(1, input.Length)]);
        var pieces = new SessionDriver(SessionDriver.FuzzOptions).Run(input, Sequences.PieceSizes(input, 64));
        FuzzInvariantException.Check(whole.SameOutcome(pieces), "the session's replies depend on how the input was split");
    }

    /// <summary>The DATA decoder against <see cref="DataReference"/>, whole and in pieces.</summary>
    public static void Data(byte[] input)
    {
        var expected = DataReference.Decode(input);
        Check(DecodeInPieces(input, [Math.Max(1, input.Length)]));
        Check(DecodeInPieces(input, Sequences.PieceSizes(input, 16)));

        void Check(DataReference.Outcome actual)
        {
            FuzzInvariantException.Check(actual.Complete == expected.Complete, "end of data differs from the reference");
            FuzzInvariantException.Check(actual.Consumed == expected.Consumed, "consumed length differs from the reference");
            FuzzInvariantException.Check(actual.Content.AsSpan().SequenceEqual(expected.Content), "content differs from the reference");
            FuzzInvariantException.Check(actual.SawBareLineEnding == expected.SawBareLineEnding, "bare CR/LF flag differs from the reference");
        }
    }

    public static DataReference.Outcome DecodeInPieces(ReadOnlySpan<byte> input, IReadOnlyList<int> pieceSizes)
    {
        var decoder = new DataDecoder();
        var content = new List<byte>();
        var offset = 0;
        for (var i = 0; offset < input.Length && !decoder.IsComplete; i++)
        {
            var size = Math.Min(pieceSizes[i % pieceSizes.Count], input.Length - offset);
            var output = new byte[DataDecoder.MaxOutputLength(size)];
            decoder.Decode(input.Slice(offset, size), output, out var consumed, out var written);
            FuzzInvariantException.Check(decoder.IsComplete || consumed == size, "the decoder stopped early before the end of data");
            content.AddRange(output.AsSpan(0, written));
            offset += consumed;
        }
        FuzzInvariantException.Check(decoder.Size == content.Count, "Size differs from the octets written");
        return new DataReference.Outcome(decoder.IsComplete, offset, [.. content], decoder.SawBareLineEnding);
    }

    /// <summary>
    /// The PROXY header parser for every accepted-version setting: the same answer for the input in one
    /// segment or two, prefixes consistent with the whole (NeedMore before the end, Invalid stays Invalid),
    /// and NeedMore only below the length cap.
    /// </summary>
    public static void Proxy(byte[] input)
    {
        foreach (var versions in (ProxyProtocolVersions[])[ProxyProtocolVersions.V1, ProxyProtocolVersions.V2, ProxyProtocolVersions.Any])
        {
            var whole = ProxyHeaderParser.Parse(Sequences.Of(input), versions, ProxyHeaderParser.MinMaxV2Length);
            if (whole.Status == ProxyHeaderStatus.NeedMore)
                FuzzInvariantException.Check(input.Length < ProxyHeaderParser.MinMaxV2Length, "NeedMore past the length cap");
            if (whole.Status == ProxyHeaderStatus.Parsed)
            {
                FuzzInvariantException.Check(whole.Length > 0 && whole.Length <= input.Length, "parsed length out of range");
                FuzzInvariantException.Check(whole.IsLocal ? whole.Source is null : true, "a LOCAL header with an address");
                var exact = ProxyHeaderParser.Parse(Sequences.Of(input.AsMemory(0, whole.Length)), versions, ProxyHeaderParser.MinMaxV2Length);
                FuzzInvariantException.Check(exact == whole, "the header alone parses differently");
                var shorter = ProxyHeaderParser.Parse(Sequences.Of(input.AsMemory(0, whole.Length - 1)), versions, ProxyHeaderParser.MinMaxV2Length);
                FuzzInvariantException.Check(shorter.Status == ProxyHeaderStatus.NeedMore, "a header missing its last octet is not NeedMore");
            }
            var limit = Math.Min(input.Length, 300);
            for (var split = 1; split < limit; split += 1 + split / 16)
            {
                var twoSegments = ProxyHeaderParser.Parse(Sequences.SplitAt(input, split), versions, ProxyHeaderParser.MinMaxV2Length);
                FuzzInvariantException.Check(twoSegments == whole, $"split at {split} parses differently");
                var prefix = ProxyHeaderParser.Parse(Sequences.Of(input.AsMemory(0, split)), versions, ProxyHeaderParser.MinMaxV2Length);
                FuzzInvariantException.Check(prefix.Status != ProxyHeaderStatus.Invalid || whole.Status == ProxyHeaderStatus.Invalid,
                    $"prefix {split} is Invalid but the whole is {whole.Status}");
                FuzzInvariantException.Check(prefix.Status != ProxyHeaderStatus.Parsed || prefix == whole, $"prefix {split} parses differently");
            }
        }
    }
}

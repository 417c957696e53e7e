using System.Buffers;

namespace ActorSmtp.Fuzzing;

/// <summary>Builds multi-segment sequences, the shape a pipe hands over when data arrived in pieces.</summary>
public static class Sequences
{
    /// <summary>One segment per non-empty part; an empty sequence when every part is empty.</summary>
    public static ReadOnlySequence<byte> Of(params ReadOnlyMemory<byte>[] parts)
    {
        Segment? first = null, last = null;
        foreach (var part in parts)
        {
            if (part.IsEmpty)
                continue;
            var segment = new Segment(part, last is null ? 0 : last.RunningIndex + last.Memory.Length);
            if (last is null)
                first = segment;
            else
                last.SetNext(segment);
            last = segment;
        }
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>Splits <paramref name="data"/> at the given (ascending) offsets.</summary>
    public static ReadOnlySequence<byte> SplitAt(ReadOnlyMemory<byte> data, params int[] offsets)
    {
        var parts = new List<ReadOnlyMemory<byte>>();
        var start = 0;
        foreach (var offset in offsets)
        {
            parts.Add(data[start..offset]);
            start = offset;
        }
        parts.Add(data[start..]);
        return Of([.. parts]);
    }

    /// <summary>Piece sizes 1..<paramref name="maxPiece"/> derived from the data itself, so a run is reproducible from the input alone.</summary>
    public static int[] PieceSizes(ReadOnlySpan<byte> data, int maxPiece)
    {
        var seed = 2166136261u;
        foreach (var b in data)
            seed = (seed ^ b) * 16777619u;
        var sizes = new int[7];
        for (var i = 0; i < sizes.Length; i++)
        {
            seed = seed * 1664525u + 1013904223u;
            sizes[i] = 1 + (int)((seed >> 8) % (uint)maxPiece);
        }
        return sizes;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}

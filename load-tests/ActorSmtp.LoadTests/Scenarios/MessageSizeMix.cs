using System.Globalization;

namespace ActorSmtp.LoadTests.Scenarios;

/// Message sizes with weights: "1k" (always 1 KiB) or "1k:80,10k:15,1m:5" (80 % 1 KiB, ...).
/// A size is the message as submitted (headers and body, CRLF line ends), before dot-stuffing.
internal sealed class MessageSizeMix
{
    private readonly long[] _sizes;
    private readonly int[] _cumulativeWeights;

    private MessageSizeMix(long[] sizes, int[] weights)
    {
        _sizes = sizes;
        _cumulativeWeights = new int[weights.Length];
        int sum = 0;
        for (int i = 0; i < weights.Length; i++)
            _cumulativeWeights[i] = sum += weights[i];
    }

    /// The distinct sizes, for building message bodies ahead of the run.
    public IReadOnlyList<long> Sizes => _sizes;

    public static MessageSizeMix Fixed(long size) => new([size], [1]);

    public static MessageSizeMix Parse(string text)
    {
        var entries = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entries.Length == 0)
            throw new FormatException("a message size is required, e.g. 1k or 1k:80,10k:15,1m:5");
        var sizes = new long[entries.Length];
        var weights = new int[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            var parts = entries[i].Split(':');
            sizes[i] = UnitText.ParseBytes(parts[0]);
            if (sizes[i] < 16 || sizes[i] > 1L << 31)
                throw new FormatException($"'{parts[0]}': message sizes must be between 16 bytes and 2g");
            weights[i] = parts.Length switch
            {
                1 when entries.Length == 1 => 1,
                2 when int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w > 0 => w,
                _ => throw new FormatException($"'{entries[i]}' needs a positive weight, e.g. 10k:15"),
            };
        }
        return new MessageSizeMix(sizes, weights);
    }

    /// Draws a size by weight; each session brings its own Random, so no lock is needed.
    public long Pick(Random random)
    {
        if (_sizes.Length == 1)
            return _sizes[0];
        int draw = random.Next(_cumulativeWeights[^1]);
        int index = Array.BinarySearch(_cumulativeWeights, draw + 1);
        return _sizes[index >= 0 ? index : ~index];
    }

    public override string ToString() => _sizes.Length == 1
        ? UnitText.FormatBytes(_sizes[0])
        : string.Join(',', _sizes.Select((s, i) =>
            $"{UnitText.FormatBytes(s)}:{_cumulativeWeights[i] - (i == 0 ? 0 : _cumulativeWeights[i - 1])}"));
}

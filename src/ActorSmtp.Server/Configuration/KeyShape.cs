using Akka.Configuration.Hocon;

namespace ActorSmtp.Server.Configuration;

/// <summary>What a key may hold: one value, a list of elements of one shape, a block of known keys, or anything.</summary>
internal enum ShapeKind
{
    Value,
    List,
    Block,
    /// <summary>A block that belongs to someone else (an Akka dispatcher, a custom sink): not looked into.</summary>
    Any,
}

/// <summary>
/// The known keys under a path, read off an example: the reference configuration, or a list of key paths a
/// custom type declares. Blocks may take extra keys from <see cref="Extra"/> (the named sinks, whose keys depend
/// on each one's type).
/// </summary>
internal sealed record KeyShape(
    ShapeKind Kind,
    IReadOnlyDictionary<string, KeyShape>? Keys = null,
    KeyShape? Element = null,
    Func<string, KeyShape?>? Extra = null)
{
    public static readonly KeyShape Value = new(ShapeKind.Value);
    public static readonly KeyShape Any = new(ShapeKind.Any);

    public static KeyShape Block(IReadOnlyDictionary<string, KeyShape> keys) => new(ShapeKind.Block, keys);

    /// <summary>The shape of an example value: its blocks' keys, the first element of its lists (a value when empty).</summary>
    public static KeyShape Of(HoconValue example) => KindOf(example) switch
    {
        ShapeKind.Block => Block(example.GetObject().Items.ToDictionary(i => i.Key, i => Of(i.Value), StringComparer.Ordinal)),
        ShapeKind.List => new KeyShape(ShapeKind.List, Element: example.GetArray() is [var first, ..] ? Of(first) : Value),
        _ => Value,
    };

    /// <summary>
    /// A block of declared key paths ("url", "retry.max-retries"): a path's last part may hold anything, since a
    /// declared key that is a block ("headers") is the type's own.
    /// </summary>
    public static KeyShape OfPaths(IEnumerable<string> paths)
    {
        var shape = Block(new Dictionary<string, KeyShape>(StringComparer.Ordinal));
        foreach (var path in paths)
            shape = shape.Merge(path.Split('.').Reverse().Aggregate(Any, (inner, key) => Block(new Dictionary<string, KeyShape> { [key] = inner })));
        return shape;
    }

    /// <summary>How the parser holds <paramref name="value"/>: a block, a list or one value (a null is a value).</summary>
    public static ShapeKind KindOf(HoconValue value)
    {
        if (value.IsObject())
            return ShapeKind.Block;
        if (value.Values.Count == 0 || value.Values.Any(v => v is HoconArray))
            return ShapeKind.List; // an empty list parses to no values at all in some places
        if (value.Values is [HoconSubstitution { ResolvedValue: { } resolved }])
            return KindOf(resolved);
        return ShapeKind.Value;
    }

    /// <summary>The shape of key <paramref name="name"/> of this block; null when the block does not know it.</summary>
    public KeyShape? Child(string name) =>
        Kind == ShapeKind.Any ? Any : Keys?.GetValueOrDefault(name) ?? Extra?.Invoke(name);

    /// <summary>This shape with the shape at a dotted <paramref name="path"/> replaced by <paramref name="replace"/> of it.</summary>
    public KeyShape With(string path, Func<KeyShape?, KeyShape> replace)
    {
        var (head, rest) = path.IndexOf('.') is var dot and >= 0 ? (path[..dot], path[(dot + 1)..]) : (path, null);
        var keys = new Dictionary<string, KeyShape>(Keys ?? new Dictionary<string, KeyShape>(), StringComparer.Ordinal);
        keys.TryGetValue(head, out var current);
        keys[head] = rest is null ? replace(current) : (current ?? Block(new Dictionary<string, KeyShape>())).With(rest, replace);
        return this with { Keys = keys };
    }

    /// <summary>Both shapes' keys; where they disagree, the more permissive one.</summary>
    public KeyShape Merge(KeyShape other)
    {
        if (Kind == ShapeKind.Any || other.Kind == ShapeKind.Any)
            return Any;
        if (Kind != ShapeKind.Block || other.Kind != ShapeKind.Block)
            return Kind == other.Kind ? this : Any;
        var keys = new Dictionary<string, KeyShape>(Keys!, StringComparer.Ordinal);
        foreach (var (name, shape) in other.Keys!)
            keys[name] = keys.TryGetValue(name, out var mine) ? mine.Merge(shape) : shape;
        return this with { Keys = keys, Extra = Extra ?? other.Extra };
    }

    /// <summary>Every key path this shape knows, below <paramref name="prefix"/> (for suggestions).</summary>
    public IEnumerable<string> Paths(string prefix)
    {
        foreach (var (name, shape) in Keys ?? new Dictionary<string, KeyShape>())
        {
            yield return $"{prefix}.{name}";
            foreach (var deeper in shape.Paths($"{prefix}.{name}"))
                yield return deeper;
        }
    }
}

namespace ActorSmtp.Sinks.Relay.Tests.Mx;

/// <summary>
/// The zone the MX specs resolve against. Two upstreams listen on one port, at 127.0.0.1 (A) and 127.0.0.2 (B);
/// 127.0.0.3 has nobody.
/// </summary>
internal static class MxZone
{
    public static readonly string[] Records =
    [
        // alpha: its preferred MX has nobody listening, the next is A (RFC 5321 §5.1: try them in order).
        "alpha.test. MX 10 mx-down.alpha.test.",
        "alpha.test. MX 20 mx.alpha.test.",
        "mx-down.alpha.test. A 127.0.0.3",
        "mx.alpha.test. A 127.0.0.1",
        // beta: its own MX, on B.
        "beta.test. MX 10 mx.beta.test.",
        "mx.beta.test. A 127.0.0.2",
        // gamma: B preferred over A; delta: the same MX hosts as gamma, so the same destination.
        "gamma.test. MX 5 mx.beta.test.",
        "gamma.test. MX 50 mx.alpha.test.",
        "delta.test. MX 50 mx.alpha.test.",
        "delta.test. MX 5 mx.beta.test.",
        // plain: no MX, only an address (the implicit MX), on A.
        "plain.test. A 127.0.0.1",
        // nomail: RFC 7505 null MX.
        "nomail.test. MX 0 .",
        // Anything else under test. is NXDOMAIN (local-zone static).
    ];
}

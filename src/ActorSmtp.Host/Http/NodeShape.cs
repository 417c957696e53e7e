using System.Net;

namespace ActorSmtp.Host.Http;

/// <summary>
/// What the HTTP side needs to know of this node's cluster part, read without loading ActorSmtp.Cluster on a single
/// node (<see cref="ClusterHosting.Shape"/>): which checks and routes it has.
/// </summary>
internal sealed record NodeShape(bool Cluster, bool SpeaksSmtp, bool OwnsStorage, bool View, IPAddress ViewAddress, int ViewPort)
{
    public static readonly NodeShape Single = new(false, true, true, false, IPAddress.Loopback, 0);
}

namespace ActorSmtp.Protocol.Session;

/// <summary>Whether an endpoint offers AUTH (RFC 4954), and whether mail needs it.</summary>
public enum AuthMode
{
    Off,
    Optional,
    Required,
}

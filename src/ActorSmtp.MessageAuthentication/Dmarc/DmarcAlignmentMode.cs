namespace ActorSmtp.MessageAuthentication.Dmarc;

/// <summary>RFC 7489 §3.1 identifier alignment, the <c>adkim=</c> and <c>aspf=</c> tags (§6.3).</summary>
public enum DmarcAlignmentMode
{
    /// <summary><c>r</c> (the default): the organizational domains are the same.</summary>
    Relaxed,
    /// <summary><c>s</c>: the domains are the same name.</summary>
    Strict,
}

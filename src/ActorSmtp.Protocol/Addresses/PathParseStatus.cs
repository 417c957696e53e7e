namespace ActorSmtp.Protocol.Addresses;

public enum PathParseStatus
{
    Ok,
    /// <summary>The FROM:/TO: prefix or the angle brackets are missing or malformed.</summary>
    BadCommandSyntax,
    /// <summary>The mailbox inside the brackets is malformed or too long (RFC 5321 §4.5.3.1).</summary>
    BadAddress,
    /// <summary>A non-ASCII address in a transaction that did not ask for SMTPUTF8 (RFC 6531 §3.4).</summary>
    NeedsSmtpUtf8,
}

using System.Text;

namespace ActorSmtp.Protocol.Addresses;

/// <summary>An envelope mailbox, local-part@domain, as the client wrote it (quoting kept).</summary>
public sealed record Mailbox(string LocalPart, string Domain)
{
    /// <summary>True when the address holds non-ASCII text, which RFC 6531 allows only with SMTPUTF8.</summary>
    public bool IsInternational => !Ascii.IsValid(LocalPart) || !Ascii.IsValid(Domain);

    /// <summary>RFC 5321 §4.5.1: "postmaster" without a domain is a valid recipient.</summary>
    public static Mailbox Postmaster { get; } = new("postmaster", "");

    public override string ToString() => Domain.Length == 0 ? LocalPart : $"{LocalPart}@{Domain}";
}

using System.Text;
using ActorSmtp.MessageAuthentication.Reporting;
using ActorSmtp.Sinks;

namespace ActorSmtp.Server.SenderAuthentication;

/// <summary>
/// add-authentication-results: one <c>Authentication-Results</c> field (RFC 8601) prepended to the message as the sink
/// gets it. Fields already in the header block that claim our authserv-id are forged or stale and are removed (§5),
/// whole with their folded lines; every other byte stays as the client sent it.
/// </summary>
internal static class AuthenticationResultsField
{
    public static byte[] Prepend(ReadOnlyMemory<byte> message, string authservId, AuthenticationResults results)
    {
        var field = Encoding.UTF8.GetBytes("Authentication-Results: " + AuthenticationResultsHeader.Format(authservId, results) + "\r\n");
        var kept = AuthservIdClaim.RemoveClaimingFields(message.Span, authservId);
        return [.. field, .. kept];
    }
}

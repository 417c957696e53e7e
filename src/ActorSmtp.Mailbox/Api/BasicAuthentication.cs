using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ActorSmtp.Server.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ActorSmtp.Mailbox.Api;

/// <summary>
/// HTTP Basic authentication (RFC 7617) against <c>actorsmtp.mailbox.auth.users</c>. A PBKDF2 check costs about
/// 0.1 s (<see cref="PasswordHash"/>), and a browser sends the credentials with every request (the page, each API
/// call, the event stream), so a success is remembered for <see cref="Remembered"/>, keyed by a keyed hash of the
/// header: the credentials themselves are never kept.
/// </summary>
internal sealed class BasicAuthentication(IReadOnlyDictionary<string, string> users)
{
    public static readonly TimeSpan Remembered = TimeSpan.FromMinutes(1);
    private const int MaxRemembered = 1024;

    // What an unknown name is checked against, so that it costs what a known one does (no user enumeration by timing).
    private static readonly string Decoy = PasswordHash.Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, DateTime> _recent = new(StringComparer.Ordinal);

    /// <summary>True when the request carries the credentials of a configured user; otherwise the 401 is written.</summary>
    public async ValueTask<bool> AdmitAsync(HttpContext context)
    {
        if (Authorization(context.Request) is { } header && Check(header))
            return true;
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"actorsmtp mailbox\", charset=\"UTF-8\"";
        await context.Response.WriteAsJsonAsync(new ApiError("authentication required: a user of actorsmtp.mailbox.auth.users"), context.RequestAborted)
            .ConfigureAwait(false);
        return false;
    }

    private static string? Authorization(HttpRequest request)
    {
        var value = request.Headers[HeaderNames.Authorization].ToString();
        return value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && value.Length <= 4096 ? value[6..].Trim() : null;
    }

    private bool Check(string credentials)
    {
        var key = Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(credentials)));
        var now = DateTime.UtcNow;
        if (_recent.TryGetValue(key, out var until) && until > now)
            return true;
        if (!Verify(credentials))
            return false;
        if (_recent.Count >= MaxRemembered)
            _recent.Clear(); // bounded: the next requests pay one check each again
        _recent[key] = now + Remembered;
        return true;
    }

    private bool Verify(string credentials)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(credentials));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':'); // RFC 7617 §2: the user-id cannot contain a colon, the password can
        if (colon < 0)
            return false;
        var known = users.TryGetValue(decoded[..colon], out var hash);
        var matches = PasswordHash.Verify(decoded[(colon + 1)..], known ? hash! : Decoy);
        return known && matches;
    }
}

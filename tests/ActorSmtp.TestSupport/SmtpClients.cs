using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace ActorSmtp.TestSupport;

/// <summary>MailKit, the client applications use, connected to a server under test.</summary>
public static class SmtpClients
{
    /// <summary>A client connected over plain SMTP (no TLS), with a 30 s timeout per operation unless given.</summary>
    public static async Task<SmtpClient> ConnectAsync(IPEndPoint server, TimeSpan? timeout = null)
    {
        var client = new SmtpClient { Timeout = (int)(timeout ?? TimeSpan.FromSeconds(30)).TotalMilliseconds };
        try
        {
            await client.ConnectAsync(server.Address.ToString(), server.Port, SecureSocketOptions.None);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}

using System.Net;

namespace ActorSmtp.Server.Hosting;

/// <summary>The little a plain <see cref="HttpListener"/> needs for our read-only endpoints (/healthz, /cluster).</summary>
internal static class HttpEndpoint
{
    /// <summary>Answers every request of a started listener with <paramref name="answer"/>, concurrently, until it is closed.</summary>
    public static async Task ServeAsync(HttpListener listener, Func<HttpListenerContext, Task> answer)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // closed
            }
            _ = answer(context);
        }
    }

    /// <summary>Writes one whole response and closes it; a client that went away meanwhile is no error.</summary>
    public static async Task RespondAsync(HttpListenerContext context, int status, string contentType, byte[] body)
    {
        try
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away.
        }
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Mailbox.Api;

/// <summary>
/// Turns what a handler throws into the API's JSON errors: a bad parameter is a 400 naming it (the index names its
/// own, <see cref="ArgumentException.ParamName"/>), a mailbox still opening a 503, anything else a 500 that is
/// logged with its stack trace and answered without it.
/// </summary>
internal sealed class ApiErrors(ILogger logger)
{
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        try
        {
            await next().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a long-poll or the event stream closed): nobody to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var (status, error) = Describe(ex);
            if (status == StatusCodes.Status500InternalServerError)
                logger.LogError(ex, "mailbox: {Method} {Path} failed", context.Request.Method, context.Request.Path);
            context.Response.Clear();
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(error, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static (int Status, ApiError Error) Describe(Exception ex) => ex switch
    {
        BadParameterException bad => (StatusCodes.Status400BadRequest, new ApiError(bad.Message, bad.Parameter)),
        ArgumentException { ParamName: { } name } bad => (StatusCodes.Status400BadRequest, new ApiError(Sentence(bad), name)),
        MailboxOpeningException => (StatusCodes.Status503ServiceUnavailable, new ApiError(ex.Message)),
        BadHttpRequestException bad => (bad.StatusCode, new ApiError(bad.Message)),
        _ => (StatusCodes.Status500InternalServerError, new ApiError("internal error (the server's log has the details)")),
    };

    // ArgumentException.Message appends " (Parameter 'name')"; the JSON has its own field for that.
    private static string Sentence(ArgumentException ex)
    {
        var message = ex.Message;
        var suffix = $" (Parameter '{ex.ParamName}')";
        var at = message.IndexOf(suffix, StringComparison.Ordinal);
        return at < 0 ? message : message.Remove(at, suffix.Length);
    }
}

/// <summary>A request arrived before the mailbox finished opening its index (at start, it may be rebuilding it).</summary>
internal sealed class MailboxOpeningException() : Exception("the mailbox is opening its index; try again in a moment");

namespace ActorSmtp.Mailbox.Api;

/// <summary>The body of every error the API answers: what is wrong, and which query or route parameter when one is.</summary>
/// <param name="Error">A sentence for a person.</param>
/// <param name="Parameter">The parameter at fault (<c>to</c>, <c>limit</c>, <c>n</c>), if any.</param>
public sealed record ApiError(string Error, string? Parameter = null);

/// <summary>A request parameter the API cannot use: answered 400 with an <see cref="ApiError"/> naming it.</summary>
internal sealed class BadParameterException(string parameter, string problem) : Exception(problem)
{
    public string Parameter { get; } = parameter;
}

using ActorSmtp.Server.Configuration;

namespace ActorSmtp.Host.Cli;

/// <summary>
/// <c>actorsmtp check-config [--config FILE]</c>: checks the configuration as <c>run</c> does before it binds
/// anything (<see cref="CheckedConfiguration"/>), binds nothing, and prints the effective <c>actorsmtp</c> section
/// with secrets masked. Exit 0, or 2 with the bad key named.
/// </summary>
internal static class CheckConfigCommand
{
    public static int Run(FileInfo? file, TextWriter output, TextWriter error)
    {
        if (CheckedConfiguration.Load(file, error) is not { } loaded)
            return ServerCommand.InvalidConfiguration;
        output.Write(MaskedConfig.Render(loaded.Config, ActorSmtpSettings.Root));
        error.WriteLine($"actorsmtp: configuration OK{(file is null ? " (defaults only)" : $" ({file.FullName})")}");
        return 0;
    }
}

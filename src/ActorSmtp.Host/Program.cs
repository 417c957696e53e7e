using System.CommandLine;
using ActorSmtp.Host;

RuntimeDefaults.Apply();

var configOption = new Option<FileInfo?>("--config", "-c")
{
    Description = "A HOCON file layered over the shipped defaults (hocon/actorsmtp.reference.conf).",
};
var root = new RootCommand("ActorSmtp: an actor-based SMTP server that stores every message it receives.")
{
    configOption,
};
root.SetAction((result, cancellation) => ServerCommand.RunAsync(result.GetValue(configOption), cancellation));

var hashPassword = new Command("hash-password",
    "Reads a password from standard input and prints its salted hash for actorsmtp.auth.users.");
hashPassword.SetAction(_ =>
{
    var password = Console.In.ReadLine();
    if (string.IsNullOrEmpty(password))
    {
        Console.Error.WriteLine("actorsmtp: no password on standard input");
        return 2;
    }
    Console.WriteLine(ActorSmtp.Server.Auth.PasswordHash.Create(password));
    return 0;
});
root.Subcommands.Add(hashPassword);

var run = new Command("run", "Runs the server (the default when no command is given).") { configOption };
run.SetAction((result, cancellation) => ServerCommand.RunAsync(result.GetValue(configOption), cancellation));
root.Subcommands.Add(run);

var checkConfig = new Command("check-config",
    "Validates the configuration, binds nothing, and prints the effective actorsmtp section with secrets masked; exit 2 naming the bad key.")
{
    configOption,
};
checkConfig.SetAction(result => ActorSmtp.Host.Cli.CheckConfigCommand.Run(result.GetValue(configOption), Console.Out, Console.Error));
root.Subcommands.Add(checkConfig);
// No process-termination timeout: System.CommandLine would otherwise end the process 2 s after SIGINT or
// SIGTERM (exit 130 or 143), cutting the shutdown grace. The generic host handles both signals (ShutdownSignals).
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

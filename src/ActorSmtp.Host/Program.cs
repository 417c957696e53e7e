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
return await root.Parse(args).InvokeAsync();

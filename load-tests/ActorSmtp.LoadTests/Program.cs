using System.CommandLine;
using ActorSmtp.LoadTests.Cli;

var root = new RootCommand("ActorSmtp load generator: SMTP load against a loopback server, NBomber-style scenarios and reports.")
{
    RunCommand.Create(),
    ProbeCommands.Idle(),
    ProbeCommands.BigMessage(),
    ProbeCommands.Slowloris(),
    ProbeCommands.AwaitLatency(),
    DkimMessageCommand.Create(),
};
return await root.Parse(args).InvokeAsync();

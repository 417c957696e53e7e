using Akka.Actor;
using Akka.Configuration;

namespace ActorSmtp.Sinks.Relay.Tests.Support;

/// <summary>Relay sink blocks and the text the relayed copy starts with.</summary>
internal static class RelayBlocks
{
    public const string HeloName = "relay.test";

    /// <summary>A smarthost block for an upstream on 127.0.0.1:<paramref name="port"/>; <paramref name="extra"/> adds keys.</summary>
    public static Config Smarthost(int port, string extra = "") => ConfigurationFactory.ParseString($"""
        type = relay
        host = "127.0.0.1"
        port = {port}
        helo-name = {HeloName}
        connect-timeout = 3s
        command-timeout = 10s
        {extra}
        """);

    public static Props Props(Config block) => Akka.Actor.Props.Create(typeof(RelaySink), block);

    /// <summary>The Received: header the relay adds for <see cref="Testing.TestMessages.Envelope"/> with one recipient.</summary>
    public static string ReceivedFor(string id, string rcpt = "rcpt@example.net") =>
        $"Received: from client.example.com ([192.0.2.10])\r\n\tby {HeloName} (ActorSmtp) with ESMTP id {id}\r\n\tfor <{rcpt}>; Sat, 28 Nov 2026 17:13:17 +0000\r\n";
}

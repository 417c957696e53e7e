using System.Reflection;
using NetArchTest.Rules;
using Xunit;

namespace ActorSmtp.Server.Tests.Architecture;

/// <summary>
/// Dependencies point one way (README, "Architecture"): between the projects, and between the rooms
/// (folders, one namespace each) of ActorSmtp.Server. The allowed order is written here once; a type that
/// names a type of a room above its own fails the build's tests with both names.
/// </summary>
public sealed class DependencyDirectionTests
{
    /// <summary>The rooms of ActorSmtp.Server, top to bottom: each may use those below it, none above.</summary>
    public static readonly string[] ServerRooms =
    [
        "Hosting",       // composes the server: sinks, listener, authenticator, shutdown
        "Listener",      // accepts sockets, per-client limits, spawns a connection per client
        "Connection",    // one actor per client: the SMTP session over a transport
        "Transport",     // socket and TLS stream, reads and replies
        "Tls",           // certificates and their reloading
        "Sinks",         // supervisors, routes, fan-out in front of the sink actors
        "Policies",      // the running policy chain and the checks on the replies policies give
        "Faults",        // scripted faults: the rule book, matching, tags
        "SenderAuthentication", // SPF, DKIM, DMARC, ARC and blocklists for the connections, over the one resolver
        "Telemetry",     // metrics and session logs: called, never calling up
        "Configuration", // HOCON to settings records
        "Auth",          // the built-in authenticator and password hashes
        "Dispatch",      // the calling-thread dispatcher and the connection mailbox
    ];

    /// <summary>Which of our assemblies each may reference (what is not listed may reference none of ours).</summary>
    public static readonly Dictionary<string, string[]> Projects = new()
    {
        ["ActorSmtp.Protocol"] = [],
        ["ActorSmtp.Abstractions"] = [],
        ["ActorSmtp.Sinks.File"] = ["ActorSmtp.Abstractions"],
        ["ActorSmtp.Sinks.AzureBlob"] = ["ActorSmtp.Abstractions"],
        ["ActorSmtp.Policies"] = ["ActorSmtp.Abstractions"],
        ["ActorSmtp.Dns"] = [],
        ["ActorSmtp.MessageAuthentication"] = ["ActorSmtp.Abstractions", "ActorSmtp.Dns"],
        ["ActorSmtp.Sinks.Relay"] = ["ActorSmtp.Abstractions", "ActorSmtp.Dns"], // its MX lookups
        ["ActorSmtp.Server"] = ["ActorSmtp.Protocol", "ActorSmtp.Abstractions", "ActorSmtp.MessageAuthentication", "ActorSmtp.Dns"],
        ["ActorSmtp.Cluster"] = ["ActorSmtp.Protocol", "ActorSmtp.Abstractions", "ActorSmtp.Server"],
        // The mailbox reads the file sink's folder and event; Server for settings, password hashes and their errors.
        ["ActorSmtp.Mailbox"] = ["ActorSmtp.Protocol", "ActorSmtp.Abstractions", "ActorSmtp.Sinks.File", "ActorSmtp.Server"],
    };

    public static TheoryData<string> Rooms() => new(ServerRooms);

    [Theory]
    [MemberData(nameof(Rooms))]
    public void A_room_of_the_server_names_no_type_of_a_room_above_it(string room)
    {
        var above = ServerRooms.TakeWhile(r => r != room).Select(r => $"ActorSmtp.Server.{r}").ToArray();
        if (above.Length == 0)
            return; // the top may use everything below
        var result = Types.InAssembly(typeof(ActorSmtp.Server.Hosting.ActorSmtpServer).Assembly)
            .That().ResideInNamespace($"ActorSmtp.Server.{room}")
            .ShouldNot().HaveDependencyOnAny(above)
            .GetResult();

        Assert.True(result.IsSuccessful,
            $"{room} must not use {string.Join(", ", above)}; it does in: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Every_type_of_the_server_lives_in_a_room_of_the_stack()
    {
        var rooms = ServerRooms.Select(r => $"ActorSmtp.Server.{r}").ToHashSet();
        var homeless = typeof(ActorSmtp.Server.Hosting.ActorSmtpServer).Assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && ns.StartsWith("ActorSmtp.Server", StringComparison.Ordinal)
                        && !t.Name.StartsWith('<') && !rooms.Contains(ns))
            .Select(t => t.FullName)
            .ToArray();

        Assert.True(homeless.Length == 0, $"not in a room of the stack (add the room to {nameof(ServerRooms)}): {string.Join(", ", homeless)}");
    }

    public static TheoryData<string> ProjectNames() => new(Projects.Keys);

    [Theory]
    [MemberData(nameof(ProjectNames))]
    public void A_project_references_only_the_projects_below_it(string project)
    {
        var ours = Assembly.Load(project).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => name.StartsWith("ActorSmtp.", StringComparison.Ordinal))
            .ToArray();

        Assert.Empty(ours.Except(Projects[project]));
    }

    [Fact]
    public void The_protocol_is_pure_csharp_without_akka_or_io()
    {
        var references = Assembly.Load("ActorSmtp.Protocol").GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.DoesNotContain(references, name => name.StartsWith("Akka", StringComparison.Ordinal));
        var result = Types.InAssembly(Assembly.Load("ActorSmtp.Protocol"))
            // Data types of those namespaces (AddressFamily, IPAddress) are fine; what does I/O is not.
            .ShouldNot().HaveDependencyOnAny("System.Net.Sockets.Socket", "System.Net.Sockets.NetworkStream", "System.Net.Security",
                "System.IO.Pipelines", "System.IO.File", "System.IO.Directory", "System.IO.FileStream")
            .GetResult();
        Assert.True(result.IsSuccessful, $"I/O in the protocol: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}

using System.Reflection;
using System.Text.RegularExpressions;
using ActorSmtp.Server.Hosting;
using Xunit;

namespace ActorSmtp.Server.Tests;

/// <summary>
/// Inside ActorSmtp.Server the rooms of the connection stack point one way (issue 16): Listener → Connection →
/// Transport → Tls, with Dispatch below everything; a lower room never names a type of a higher one. Read from the
/// sources, so a constant (inlined by the compiler) or a qualified name counts as much as a using line.
/// </summary>
public sealed partial class ServerLayerTests
{
    [Theory]
    [InlineData("Transport", "Connection Listener Hosting")]
    [InlineData("Connection", "Listener Hosting")]
    [InlineData("Sinks", "Connection Listener Hosting")]
    [InlineData("Dispatch", "Auth Cluster Configuration Connection Hosting Listener Sinks Telemetry Tls Transport")]
    public void A_room_names_no_type_of_a_higher_one(string room, string higher)
    {
        var forbidden = higher.Split(' ').SelectMany(TypesOf).ToHashSet();
        var found = new List<string>();
        foreach (var file in Directory.GetFiles(RoomDirectory(room), "*.cs"))
        {
            var code = Comment().Replace(File.ReadAllText(file), "");
            found.AddRange(Identifier().Matches(code).Select(m => m.Value).Where(forbidden.Contains).Distinct()
                .Select(name => $"{Path.GetFileName(file)}: {name}"));
            found.AddRange(higher.Split(' ').Where(h => code.Contains($"using ActorSmtp.Server.{h};"))
                .Select(h => $"{Path.GetFileName(file)}: using ActorSmtp.Server.{h}"));
        }
        Assert.Empty(found);
    }

    /// <summary>The top-level types a room declares (nested ones are only reached through them).</summary>
    private static IEnumerable<string> TypesOf(string room) =>
        typeof(ActorSmtpServer).Assembly.GetTypes()
            .Where(t => t.Namespace == $"ActorSmtp.Server.{room}" && !t.IsNested && t.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null)
            .Select(t => t.Name.Split('`')[0]);

    private static string RoomDirectory(string room)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "ActorSmtp.sln")))
            {
                var path = Path.Combine(directory.FullName, "src", "ActorSmtp.Server", room);
                Assert.True(Directory.Exists(path), $"no folder {path}");
                return path;
            }
        throw new InvalidOperationException("ActorSmtp.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9_]*\b")]
    private static partial Regex Identifier();
}

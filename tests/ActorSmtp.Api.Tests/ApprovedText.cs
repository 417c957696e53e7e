using System.Runtime.CompilerServices;
using Xunit.Sdk;

namespace ActorSmtp.Api.Tests;

/// <summary>
/// A text checked into this folder as <c>NAME.approved.txt</c> that a test's output must equal exactly. On a
/// mismatch the output is written beside it as <c>NAME.received.txt</c> (git ignores those) and the failure says
/// how to accept it, so a change of what users see is a reviewed change of the approved file.
/// </summary>
internal static class ApprovedText
{
    /// <param name="folder">Where the approved files are: this source folder (the test runs from its build output).</param>
    public static void Verify(string name, string received, [CallerFilePath] string folder = "")
    {
        var directory = Path.GetDirectoryName(folder)!;
        var approvedFile = Path.Combine(directory, $"{name}.approved.txt");
        var receivedFile = Path.Combine(directory, $"{name}.received.txt");
        received = received.ReplaceLineEndings("\n").TrimEnd('\n') + "\n"; // stored with a final newline (.editorconfig)
        var approved = File.Exists(approvedFile) ? File.ReadAllText(approvedFile).ReplaceLineEndings("\n") : null;
        if (approved == received)
        {
            File.Delete(receivedFile); // left by an earlier mismatch that has since been accepted
            return;
        }
        File.WriteAllText(receivedFile, received);
        throw new XunitException(
            $"""
            {(approved is null ? "No approved text" : "The text differs from the approved one")} for {name}.
              approved: {approvedFile}
              received: {receivedFile}
            Review the difference (diff -u {approvedFile} {receivedFile}); if the change is intended, accept it with
              mv {receivedFile} {approvedFile}
            and commit the approved file with the change.
            """);
    }
}

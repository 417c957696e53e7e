using Microsoft.Win32.SafeHandles;

namespace ActorSmtp.Sinks.File;

/// <summary>
/// The two files of one message, <c>&lt;id&gt;.eml</c> and <c>&lt;id&gt;.json</c>, on their way from
/// temporary files to their final names. Owned by one store; the committer borrows it while committing.
/// </summary>
/// <remarks>
/// The final name of the .eml is the commit marker (as Postfix's execute bit on a queue file): it appears
/// last, atomically, after the data and the .json are in place. Readers never see a partial file.
/// Temporary files are unnamed (see <see cref="UnnamedFiles"/>) where the directory allows, else hidden
/// names (<c>.&lt;id&gt;.eml.tmp</c>) renamed at the end.
/// </remarks>
internal sealed class MessageFiles(string directory, string messageId, UnnamedFiles? unnamed)
{
    private bool _emlPublished;
    private bool _jsonPublished;

    public string EmlPath { get; } = Path.Combine(directory, messageId + ".eml");
    public string JsonPath { get; } = Path.Combine(directory, messageId + ".json");

    // A leading dot hides the files from readers that list "*.eml" and from most tools.
    private string TemporaryPath(string extension) => Path.Combine(directory, $".{messageId}{extension}.tmp");

    /// <summary>The open temporary .eml, once created; closed by <see cref="CloseHandles"/>.</summary>
    public SafeFileHandle? Eml { get; private set; }

    /// <summary>The open temporary .json, once written; closed by <see cref="CloseHandles"/>.</summary>
    public SafeFileHandle? Json { get; private set; }

    public SafeFileHandle CreateEml() => Eml = CreateTemporary(".eml");

    public void WriteJson(ReadOnlySpan<byte> content)
    {
        Json = CreateTemporary(".json");
        RandomAccess.Write(Json, content, fileOffset: 0);
    }

    /// <summary>Closes the files; an unnamed one that was never published disappears with it.</summary>
    public void CloseHandles()
    {
        Eml?.Dispose();
        Json?.Dispose();
    }

    /// <summary>Gives both files their final names: the .json first, the .eml (the commit marker) last.</summary>
    /// <remarks>
    /// A link of an unnamed file, or a plain rename(2) of a named one: ids carry 80 random bits, so a name
    /// is never taken, and the existence check a no-overwrite move adds (an lstat per file) was a
    /// measurable part of the sink's CPU. The handles must still be open: an unnamed file is linked
    /// through its descriptor.
    /// </remarks>
    public void Publish()
    {
        Name(Json!, ".json", JsonPath);
        _jsonPublished = true;
        Name(Eml!, ".eml", EmlPath);
        _emlPublished = true;
    }

    /// <summary>Removes every file this message created, final names first, so nothing of it stays visible.</summary>
    /// <remarks>Best effort: a file that cannot be removed is left; the store reports a failure anyway.</remarks>
    public void Discard()
    {
        CloseHandles();
        if (_emlPublished)
            TryDelete(EmlPath);
        if (_jsonPublished)
            TryDelete(JsonPath);
        if (unnamed is not null)
            return; // closing freed whatever had no name yet
        if (Eml is not null && !_emlPublished)
            TryDelete(TemporaryPath(".eml"));
        if (Json is not null && !_jsonPublished)
            TryDelete(TemporaryPath(".json"));
    }

    private void Name(SafeFileHandle file, string extension, string path)
    {
        if (unnamed is not null)
            unnamed.Link(file, messageId + extension);
        else
            System.IO.File.Move(TemporaryPath(extension), path, overwrite: true);
    }

    // CreateNew: a message id is unique, so an existing file is someone else's and must not be reused.
    private SafeFileHandle CreateTemporary(string extension) =>
        unnamed?.Create() ?? System.IO.File.OpenHandle(TemporaryPath(extension), FileMode.CreateNew, FileAccess.Write);

    private static void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

using Microsoft.Win32.SafeHandles;

namespace ActorSmtp.Sinks.File;

/// <summary>
/// The two files of one message, <c>&lt;id&gt;.eml</c> and <c>&lt;id&gt;.json</c>, on their way from
/// temporary files to their final names. Owned by one store; the committer borrows it while committing.
/// </summary>
/// <remarks>
/// The final name of the .eml is the commit marker (as Postfix's execute bit on a queue file): it appears
/// last, atomically, after the data and the .json are in place. Readers never see a partial file.
/// Temporary files are unnamed (see <see cref="UnnamedFile"/>) where the directory allows, else hidden
/// names (<c>.&lt;id&gt;.eml.tmp</c>) renamed at the end.
/// </remarks>
internal sealed class MessageFiles(string directory, string messageId, bool unnamed)
{
    private bool _emlPublished;
    private bool _jsonPublished;

    public string EmlPath { get; } = Path.Combine(directory, messageId + ".eml");
    public string JsonPath { get; } = Path.Combine(directory, messageId + ".json");

    // A leading dot hides the files from readers that list "*.eml" and from most tools.
    private string EmlTemporaryPath => Path.Combine(directory, $".{messageId}.eml.tmp");
    private string JsonTemporaryPath => Path.Combine(directory, $".{messageId}.json.tmp");

    /// <summary>The open temporary .eml, once created; closed by <see cref="CloseHandles"/>.</summary>
    public SafeFileHandle? Eml { get; private set; }

    /// <summary>The open temporary .json, once written; closed by <see cref="CloseHandles"/>.</summary>
    public SafeFileHandle? Json { get; private set; }

    public SafeFileHandle CreateEml() => Eml = CreateTemporary(EmlTemporaryPath);

    public void WriteJson(ReadOnlySpan<byte> content)
    {
        Json = CreateTemporary(JsonTemporaryPath);
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
    /// A plain rename(2): ids carry 80 random bits, so a name is never taken, and the existence check a
    /// no-overwrite move adds (an lstat per file) was a measurable part of the sink's CPU. The handles must
    /// still be open: an unnamed file is linked through its descriptor.
    /// </remarks>
    public void Publish()
    {
        Name(Json!, JsonTemporaryPath, JsonPath);
        _jsonPublished = true;
        Name(Eml!, EmlTemporaryPath, EmlPath);
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
        if (unnamed)
            return; // closing freed whatever had no name yet
        if (Eml is not null && !_emlPublished)
            TryDelete(EmlTemporaryPath);
        if (Json is not null && !_jsonPublished)
            TryDelete(JsonTemporaryPath);
    }

    private void Name(SafeFileHandle file, string temporaryPath, string path)
    {
        if (unnamed)
            UnnamedFile.Link(file, path);
        else
            System.IO.File.Move(temporaryPath, path, overwrite: true);
    }

    // CreateNew: a message id is unique, so an existing file is someone else's and must not be reused.
    private SafeFileHandle CreateTemporary(string namedPath) =>
        unnamed ? UnnamedFile.Create(directory) : System.IO.File.OpenHandle(namedPath, FileMode.CreateNew, FileAccess.Write);

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

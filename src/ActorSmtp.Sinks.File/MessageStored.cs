namespace ActorSmtp.Sinks.File;

/// <summary>
/// Published on the actor system's event stream by <see cref="FileSink"/> once a message is final: both files
/// have their names, the directory is synced, the store was not too late and its 250 has been handed to the client's
/// connection (see MessageSinkActor.OnAnswered). A
/// reader of the folder (the mailbox's index) learns of new messages from it instead of watching the folder.
/// </summary>
/// <param name="Directory">The sink's directory, a full path: a subscriber keeps the events of its own folder.</param>
/// <param name="Id">The message id.</param>
/// <param name="EmlPath">The stored message, exactly the bytes received.</param>
/// <param name="JsonPath">The envelope document (<c>EnvelopeDocument</c>).</param>
/// <param name="Size">The .eml's length in bytes.</param>
public sealed record MessageStored(string Directory, string Id, string EmlPath, string JsonPath, long Size);

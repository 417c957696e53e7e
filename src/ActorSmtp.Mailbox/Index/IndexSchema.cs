namespace ActorSmtp.Mailbox.Index;

/// <summary>The tables of <c>.mailbox.sqlite</c>. A file of another <see cref="Version"/> is rebuilt, never migrated: the files are the truth.</summary>
internal static class IndexSchema
{
    /// <summary>Bump on any change below; an index of another version is dropped and rebuilt at open.</summary>
    public const int Version = 1;

    public const string FileName = ".mailbox.sqlite";

    // Addresses are stored '\n'-joined (no address contains a line break); matching is done in C# (MessageMatcher)
    // so lists and awaits agree. The FTS table is contentless (it keeps no copy of the text, the .eml has it)
    // with contentless_delete (SQLite 3.43) so single rows can be dropped.
    public const string Create = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE messages (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            received_at INTEGER NOT NULL,
            mail_from TEXT NOT NULL,
            rcpt_to TEXT NOT NULL,
            header_from TEXT NOT NULL,
            header_to TEXT NOT NULL,
            subject TEXT,
            size INTEGER NOT NULL,
            tls INTEGER NOT NULL,
            authenticated_as TEXT,
            recipients_differ INTEGER NOT NULL);
        CREATE VIRTUAL TABLE message_text USING fts5(
            subject, addresses, body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
        """;

    public const string Drop = """
        DROP TABLE IF EXISTS message_text;
        DROP TABLE IF EXISTS messages;
        DROP TABLE IF EXISTS meta;
        """;

    public const string Columns = "seq, id, received_at, mail_from, rcpt_to, header_from, header_to, subject, size, tls, authenticated_as, recipients_differ";
}

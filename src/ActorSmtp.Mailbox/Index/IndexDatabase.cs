using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ActorSmtp.Mailbox.Index;

/// <summary>
/// The index file, <c>.mailbox.sqlite</c> in the store directory: one writer connection (the indexer's), pooled
/// read connections for queries. WAL, so readers never wait for the writer nor it for them.
/// </summary>
/// <remarks>
/// <c>synchronous = NORMAL</c>: in WAL mode a commit is then not fsynced (only checkpoints are), yet a crash or power
/// loss never corrupts the file, it only loses the last commits; the reconcile at the next open adds those messages
/// again from their files. FULL would fsync every batch for nothing the files do not already keep.
/// </remarks>
internal sealed class IndexDatabase(string directory, ILogger log)
{
    private readonly string _path = Path.Combine(directory, IndexSchema.FileName);

    public string Directory { get; } = directory;

    public string ReadConnectionString { get; } = new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(directory, IndexSchema.FileName),
        Mode = SqliteOpenMode.ReadOnly,
        Pooling = true,
    }.ToString();

    private string WriteConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = _path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
    }.ToString();

    /// <summary>A pooled read connection; dispose it to return it.</summary>
    public SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(ReadConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// The writer connection. A missing file, one of another schema version, or one SQLite cannot read (corrupt,
    /// not a database) is replaced by an empty index: <paramref name="fresh"/> is true then, and everything must be indexed.
    /// </summary>
    public SqliteConnection OpenWriter(out bool fresh)
    {
        fresh = !File.Exists(_path);
        try
        {
            var connection = Open();
            if (fresh || StoredVersion(connection) != IndexSchema.Version)
            {
                if (!fresh)
                    log.LogInformation("mailbox: the index in {Directory} is of another version: rebuilding it", Directory);
                Recreate(connection);
                fresh = true;
            }
            return connection;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SQLitePCL.raw.SQLITE_CORRUPT or SQLitePCL.raw.SQLITE_NOTADB)
        {
            log.LogWarning("mailbox: the index in {Directory} is unreadable ({Error}): rebuilding it", Directory, ex.Message);
            SqliteConnection.ClearPool(new SqliteConnection(ReadConnectionString));
            DeleteFiles();
            fresh = true;
            var connection = Open();
            Recreate(connection);
            return connection;
        }
    }

    /// <summary>Drops every table and creates them empty, in one transaction (readers see the old index or the empty one).</summary>
    public static void Recreate(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        Execute(connection, IndexSchema.Drop + IndexSchema.Create);
        using (var version = connection.CreateCommand())
        {
            version.CommandText = "INSERT INTO meta (key, value) VALUES ('schema-version', $version)";
            version.Parameters.AddWithValue("$version", IndexSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            version.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(WriteConnectionString);
        try
        {
            connection.Open();
            // cache_size: 32 MiB of pages (negative = KiB) keeps a rebuild's B-trees in memory.
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static int StoredVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = 'schema-version'";
        try
        {
            return command.ExecuteScalar() is string value && int.TryParse(value, out var version) ? version : -1;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SQLitePCL.raw.SQLITE_ERROR)
        {
            return -1; // no meta table: not an index of ours
        }
    }

    private void DeleteFiles()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_path + suffix);
    }
}

package dev.sluice.client.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The de-duplication table of an idempotent consumer: one row per (consumer group, message id)
 * that a handler's transaction committed. Knows nothing of how messages are delivered (stream or
 * queue mode): the caller records an id inside its own transaction and commits or rolls back.
 *
 * <p>Table layout (portable DDL: H2, SQLite and PostgreSQL run it unchanged):
 *
 * <pre>
 * CREATE TABLE IF NOT EXISTS &lt;table&gt; (
 *     consumer_group VARCHAR(255) NOT NULL,   -- the consumer group
 *     message_id     VARCHAR(512) NOT NULL,   -- header sluice.message-id, else topic/queue/offset
 *     processed_at   BIGINT       NOT NULL,   -- epoch ms of the insert, for purging
 *     PRIMARY KEY (consumer_group, message_id))
 * CREATE INDEX IF NOT EXISTS &lt;table&gt;_processed_at ON &lt;table&gt; (processed_at)
 * </pre>
 *
 * <p>A second insert of a key fails with a unique-key violation, which {@link #tryRecord} reads
 * as "already processed": SQLState class {@code 23} (integrity constraint violation: H2,
 * PostgreSQL and any driver that follows the SQL standard), or on SQLite, whose driver sets no
 * SQLState, result code {@code SQLITE_CONSTRAINT} (19, or one of its extended codes). Two
 * transactions inserting one id cannot both commit: the second waits for the first and then fails
 * as a duplicate, or fails on a lock or busy timeout (an error: the message comes again).
 *
 * <p>Thread-safe (holds no connection). Crash behaviour: whatever the database keeps of a
 * committed transaction; an uncommitted insert disappears with its transaction.
 */
public final class ProcessedIdStore {
    /** Table names: an SQL identifier, optionally schema-qualified; never quoted, never user SQL. */
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
    /** The SQLState class of integrity constraint violations (SQL standard). */
    private static final String INTEGRITY_VIOLATION_CLASS = "23";
    /** SQLite's primary result code for a constraint violation; extended codes keep it in the low byte. */
    private static final int SQLITE_CONSTRAINT = 19;
    /** The longest message id stored: a producer-made id is at most 255 bytes; topic/queue/offset fits too. */
    public static final int MESSAGE_ID_LENGTH_MAX = 512;
    /** The longest group name stored. */
    public static final int GROUP_LENGTH_MAX = 255;

    /** The databases whose behaviour the store knows; others are treated by the SQL standard. */
    public enum Dialect {
        H2, POSTGRESQL, SQLITE, OTHER;

        static Dialect of(String productName) {
            String name = productName.toLowerCase(Locale.ROOT);
            if (name.contains("h2")) {
                return H2;
            }
            if (name.contains("postgres")) {
                return POSTGRESQL;
            }
            if (name.contains("sqlite")) {
                return SQLITE;
            }
            return OTHER;
        }
    }

    private final String table;
    private final Dialect dialect;
    private final String insertSql;
    private final String purgeSql;

    private ProcessedIdStore(String table, Dialect dialect) {
        this.table = table;
        this.dialect = dialect;
        this.insertSql = "INSERT INTO " + table + " (consumer_group, message_id, processed_at) VALUES (?, ?, ?)";
        this.purgeSql = "DELETE FROM " + table + " WHERE consumer_group = ? AND processed_at < ?";
    }

    /**
     * Opens the store on {@code table}, creating the table and its index if absent (one connection
     * of {@code dataSource}, committed at once).
     *
     * @throws IllegalArgumentException if {@code table} is not a plain SQL identifier
     * @throws SQLException if the database refuses
     */
    public static ProcessedIdStore open(DataSource dataSource, String table) throws SQLException {
        checkTableName(table);
        try (Connection connection = dataSource.getConnection()) {
            Dialect dialect = Dialect.of(connection.getMetaData().getDatabaseProductName());
            ProcessedIdStore store = new ProcessedIdStore(table, dialect);
            store.createIfAbsent(connection);
            return store;
        }
    }

    /** {@code table} must be an SQL identifier (letters, digits, underscores), optionally {@code schema.table}. */
    public static void checkTableName(String table) {
        Objects.requireNonNull(table, "dedupTable");
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("dedupTable \"" + table + "\" must be an SQL identifier of letters,"
                    + " digits and underscores (at most 63, not starting with a digit), optionally schema.table");
        }
    }

    private void createIfAbsent(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "consumer_group VARCHAR(" + GROUP_LENGTH_MAX + ") NOT NULL, "
                    + "message_id VARCHAR(" + MESSAGE_ID_LENGTH_MAX + ") NOT NULL, "
                    + "processed_at BIGINT NOT NULL, "
                    + "PRIMARY KEY (consumer_group, message_id))");
            statement.execute("CREATE INDEX IF NOT EXISTS " + table.replace('.', '_') + "_processed_at ON " + table
                    + " (processed_at)");
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    /** The database, as its driver names it. */
    public Dialect dialect() {
        return dialect;
    }

    /** The insert statement of {@link #tryRecord} on {@code connection}, to keep and reuse with it. */
    public PreparedStatement prepareInsert(Connection connection) throws SQLException {
        return connection.prepareStatement(insertSql);
    }

    /**
     * Inserts (group, id) with {@code insert}, a statement of {@link #prepareInsert} on the
     * caller's transaction's connection.
     *
     * @return {@code true} if inserted, {@code false} if the key is there already (the transaction
     *     may then be unusable, as on PostgreSQL: the caller rolls it back)
     * @throws SQLException on any other failure
     */
    public boolean tryRecord(PreparedStatement insert, String group, String messageId, long nowMs)
            throws SQLException {
        try {
            insert.setString(1, group);
            insert.setString(2, messageId);
            insert.setLong(3, nowMs);
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Whether {@code e} says a constraint refused the insert (our insert can break only the key). */
    boolean isUniqueViolation(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith(INTEGRITY_VIOLATION_CLASS)) {
            return true;
        }
        // Only on SQLite: other drivers' vendor codes may share the low byte (H2's 90131 does).
        return dialect == Dialect.SQLITE && (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT;
    }

    /**
     * Deletes the group's ids recorded before {@code cutoffMs} (epoch ms), in one auto-committed
     * statement on a connection of its own.
     *
     * @return how many ids were deleted
     */
    public int purgeRecordedBefore(DataSource dataSource, String group, long cutoffMs) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement delete = connection.prepareStatement(purgeSql)) {
                delete.setString(1, group);
                delete.setLong(2, cutoffMs);
                return delete.executeUpdate();
            }
        }
    }
}

package dev.sluice.guarantees;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/**
 * The business table of the exactly-once test, in a SQLite file that the test and its child JVMs
 * share: one row per message id with how many times a handler applied it ({@code applied_count}
 * must end at 1 everywhere).
 *
 * <p>Why SQLite in a file: both processes reach it without a server, and in WAL mode with
 * {@code synchronous=NORMAL} a commit is written to the OS before it returns, so it survives a
 * {@code kill -9} of the process (the fault injected; the page cache survives) without an fsync
 * per message. (H2's default write delay may lose a commit that returned when its process dies;
 * PostgreSQL is not always available.)
 */
final class AppliedMessages {
    static final String TABLE = "applied_messages";

    private AppliedMessages() {}

    /** The shared database in {@code dir} (a busy timeout lets the two processes take turns). */
    static DataSource dataSource(Path dir) {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + dir.resolve("exactly-once.db").toAbsolutePath());
        dataSource.setJournalMode("WAL");
        dataSource.setSynchronous("NORMAL");
        dataSource.setBusyTimeout(30_000);
        return dataSource;
    }

    static void create(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + TABLE + " (message_id VARCHAR(255) PRIMARY KEY,"
                    + " applied_count INT NOT NULL)");
        }
    }

    /** The handler's work: count one application of {@code messageId} through {@code tx}. */
    static void apply(Connection tx, String messageId) throws SQLException {
        try (PreparedStatement update = tx.prepareStatement("UPDATE " + TABLE
                + " SET applied_count = applied_count + 1 WHERE message_id = ?")) {
            update.setString(1, messageId);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = tx.prepareStatement("INSERT INTO " + TABLE
                + " (message_id, applied_count) VALUES (?, 1)")) {
            insert.setString(1, messageId);
            insert.executeUpdate();
        }
    }

    /** One long from {@code sql}, as committed. */
    static long query(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}

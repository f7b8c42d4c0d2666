package dev.sluice.client.jdbc;

import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.internal.TransactionalProcessor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A test's business table: one row per message id with how many times a handler applied it. The
 * handler's write is an update-else-insert (portable to H2, SQLite and PostgreSQL), so a message
 * applied twice shows as {@code applied_count = 2}.
 */
public final class AppliedTable {
    private final String name;

    private AppliedTable(String name) {
        this.name = name;
    }

    /** Drops {@code name} if it exists and creates it empty. */
    public static AppliedTable recreate(DataSource dataSource, String name) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute("DROP TABLE IF EXISTS " + name);
            statement.execute("CREATE TABLE " + name + " (message_id VARCHAR(512) PRIMARY KEY,"
                    + " applied_count INT NOT NULL)");
        }
        return new AppliedTable(name);
    }

    /** Drops the table {@code name} if it exists (a dedup table left by an earlier run, say). */
    public static void drop(DataSource dataSource, String name) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute("DROP TABLE IF EXISTS " + name);
        }
    }

    /** Counts one application of {@code message} through {@code tx} (the handler's work). */
    public void apply(ReceivedMessage message, Connection tx) throws SQLException {
        String id = TransactionalProcessor.messageId(message);
        try (PreparedStatement update = tx.prepareStatement("UPDATE " + name
                + " SET applied_count = applied_count + 1 WHERE message_id = ?")) {
            update.setString(1, id);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = tx.prepareStatement("INSERT INTO " + name
                + " (message_id, applied_count) VALUES (?, 1)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        }
    }

    /** Message id → times applied, as committed. */
    public Map<String, Integer> counts(DataSource dataSource) throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT message_id, applied_count FROM " + name)) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getInt(2));
            }
        }
        return counts;
    }

    /** Rows of {@code table} (any table), as committed. */
    public static long rowCount(DataSource dataSource, String table) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}

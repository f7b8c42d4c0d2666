package dev.sluice.client.internal;

import dev.sluice.client.IdempotentConsumer;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.SluiceException;
import dev.sluice.record.ReservedHeaders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The de-duplication core of an {@link IdempotentConsumer}, independent of how messages are
 * delivered: runs one message's handler in one JDBC transaction together with the insert of its id
 * into the {@link ProcessedIdStore}, and says whether it ran or was a duplicate. Acknowledging the
 * delivery is the caller's business, after {@link #process} returns.
 *
 * <p>Per message: insert (group, id); if the id is there, roll back and answer
 * {@link Outcome#DUPLICATE} without running the handler; else run the handler on the same
 * connection and commit. With de-duplication off ({@code store == null}) the handler runs in a
 * transaction of its own for every delivery. A failure (the handler's, or the database's) rolls
 * back, so neither the handler's writes nor the id stay, and is thrown.
 *
 * <p>Holds one connection of the data source between messages, with auto-commit off, and the
 * id insert prepared on it; a connection that failed is closed and replaced at the next message.
 * One thread at a time.
 */
public final class TransactionalProcessor implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(TransactionalProcessor.class);

    /** What became of one message. */
    public enum Outcome {
        /** The handler ran and its transaction, with the id, committed. */
        PROCESSED,
        /** The id was recorded before: nothing ran, nothing changed. */
        DUPLICATE
    }

    private final DataSource dataSource;
    private final ProcessedIdStore store;
    private final String group;
    private final IdempotentConsumer.Handler handler;
    private final LongSupplier clockMs;
    private Connection connection;
    /** The store's insert on {@link #connection}, prepared once per connection; null with de-duplication off. */
    private PreparedStatement insert;

    /**
     * A processor for {@code group}'s messages.
     *
     * @param store the de-duplication table, or {@code null} to run the handler for every delivery
     * @param clockMs the time recorded with each id (epoch ms), read by purges
     */
    public TransactionalProcessor(DataSource dataSource, ProcessedIdStore store, String group,
            IdempotentConsumer.Handler handler, LongSupplier clockMs) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.store = store;
        this.group = Objects.requireNonNull(group, "group");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
        if (group.length() > ProcessedIdStore.GROUP_LENGTH_MAX) {
            throw new IllegalArgumentException("group of " + group.length() + " characters is longer than the dedup"
                    + " table's consumer_group column (" + ProcessedIdStore.GROUP_LENGTH_MAX + ")");
        }
    }

    /**
     * The id a message is de-duplicated by: its {@value ReservedHeaders#MESSAGE_ID} header if it
     * has one (the producer's id: the same message sent twice is one), else
     * {@code topic/queue/offset} (the same stored record delivered twice is one).
     */
    public static String messageId(ReceivedMessage message) {
        String id = message.header(ReservedHeaders.MESSAGE_ID);
        return id != null ? id : message.topic() + "/" + message.queue() + "/" + message.offset();
    }

    /**
     * Processes one message in one transaction.
     *
     * @throws SluiceException (retriable) if the handler threw or the database failed; the
     *     transaction was rolled back (the cause is the handler's exception or the
     *     {@link SQLException}). A failed commit may still have committed: then the next delivery
     *     is a duplicate.
     */
    public Outcome process(ReceivedMessage message) {
        String id = messageId(message);
        Connection tx;
        try {
            tx = connection();
        } catch (SQLException e) {
            throw failure("no connection from the data source", message, id, e);
        }
        try {
            if (store != null && !store.tryRecord(insert, group, id, clockMs.getAsLong())) {
                tx.rollback();
                return Outcome.DUPLICATE;
            }
        } catch (SQLException e) {
            rollbackAndDrop(tx);
            throw failure("recording the message id failed", message, id, e);
        }
        try {
            handler.handle(message, tx);
        } catch (Exception e) {
            rollback(tx);
            throw failure("the handler threw", message, id, e);
        } catch (Error e) {
            // Never leave the handler's writes and the id in an open transaction that a later commit would take along.
            rollbackAndDrop(tx);
            throw e;
        }
        try {
            tx.commit();
        } catch (SQLException e) {
            rollbackAndDrop(tx);
            throw failure("commit failed", message, id, e);
        }
        return Outcome.PROCESSED;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            drop();
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            if (store != null) {
                insert = store.prepareInsert(connection);
            }
        }
        return connection;
    }

    private void rollback(Connection tx) {
        try {
            if (!tx.isClosed()) {
                tx.rollback();
            }
        } catch (SQLException e) {
            LOGGER.warn("rollback failed; taking a new connection cause={}", e.toString());
            drop();
        }
    }

    private void rollbackAndDrop(Connection tx) {
        rollback(tx);
        drop();
    }

    private void drop() {
        Connection failed = connection;
        connection = null;
        insert = null;
        if (failed != null) {
            try {
                failed.close();
            } catch (SQLException e) {
                LOGGER.debug("closing a failed connection failed cause={}", e.toString());
            }
        }
    }

    private static SluiceException failure(String what, ReceivedMessage message, String id, Exception cause) {
        return new SluiceException(what + " on " + message.topic() + " queue " + message.queue() + " offset "
                + message.offset() + " (message id " + id + "); rolled back: it will be delivered again", true, cause);
    }

    /** Closes the connection held. */
    @Override
    public void close() {
        drop();
    }
}

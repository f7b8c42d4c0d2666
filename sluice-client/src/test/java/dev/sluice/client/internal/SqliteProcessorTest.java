package dev.sluice.client.internal;

import dev.sluice.client.jdbc.TestDatabases;
import java.nio.file.Path;
import javax.sql.DataSource;

/** The de-duplication core against SQLite (a file database; its driver reports no SQLState). */
class SqliteProcessorTest extends TransactionalProcessorContract {
    @Override
    DataSource dataSource(Path dir) {
        return TestDatabases.sqlite(dir);
    }

    @Override
    ProcessedIdStore.Dialect expectedDialect() {
        return ProcessedIdStore.Dialect.SQLITE;
    }
}

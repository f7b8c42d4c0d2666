package dev.sluice.client.internal;

import dev.sluice.client.jdbc.TestDatabases;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * The de-duplication core against PostgreSQL ({@code SLUICE_TEST_POSTGRES_URL}; skipped without
 * it, failed without it under {@code CI=true}).
 */
class PostgresProcessorTest extends TransactionalProcessorContract {
    @Override
    DataSource dataSource(Path dir) {
        return TestDatabases.postgresOrSkip();
    }

    @Override
    ProcessedIdStore.Dialect expectedDialect() {
        return ProcessedIdStore.Dialect.POSTGRESQL;
    }
}

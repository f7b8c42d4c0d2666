package dev.sluice.client.internal;

import dev.sluice.client.jdbc.TestDatabases;
import java.nio.file.Path;
import javax.sql.DataSource;

/** The de-duplication core against H2 (a file database). */
class H2ProcessorTest extends TransactionalProcessorContract {
    @Override
    DataSource dataSource(Path dir) {
        return TestDatabases.h2(dir);
    }

    @Override
    ProcessedIdStore.Dialect expectedDialect() {
        return ProcessedIdStore.Dialect.H2;
    }
}

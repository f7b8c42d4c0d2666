package dev.sluice.client.jdbc;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * The databases the idempotent consumer is tested against: H2 and SQLite in files of a test's
 * temp dir, and the PostgreSQL named by {@value #POSTGRES_URL_ENV} ({@code .ci/run} starts one
 * and sets it; README says how to run one locally).
 */
public final class TestDatabases {
    /** The environment variable holding the JDBC URL of the test PostgreSQL database. */
    public static final String POSTGRES_URL_ENV = "SLUICE_TEST_POSTGRES_URL";

    private TestDatabases() {}

    /** An H2 database in a file under {@code dir}. */
    public static DataSource h2(Path dir) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("h2").toAbsolutePath());
        return dataSource;
    }

    /**
     * A SQLite database in a file under {@code dir}, in WAL mode, with a busy timeout so that two
     * processes may share it. {@code synchronous=NORMAL}: a commit is written to the OS before it
     * returns (it survives the process's {@code kill -9}, not a machine crash).
     */
    public static DataSource sqlite(Path dir) {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + dir.resolve("sqlite.db").toAbsolutePath());
        dataSource.setJournalMode("WAL");
        dataSource.setSynchronous("NORMAL");
        dataSource.setBusyTimeout(30_000);
        return dataSource;
    }

    /**
     * The PostgreSQL database of {@value #POSTGRES_URL_ENV}. Without it the calling test is
     * skipped, with a message saying how to get one — unless {@code CI=true}, where it fails, so
     * that CI cannot skip the PostgreSQL tests silently.
     */
    public static DataSource postgresOrSkip() {
        String url = System.getenv(POSTGRES_URL_ENV);
        if (url == null || url.isBlank()) {
            String why = POSTGRES_URL_ENV + " is not set: PostgreSQL tests need a database (.ci/run starts one;"
                    + " see README.md, Tests, to run one locally)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + " — and CI=true, where they must not be skipped");
            }
            Assumptions.abort(why);
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        return dataSource;
    }
}

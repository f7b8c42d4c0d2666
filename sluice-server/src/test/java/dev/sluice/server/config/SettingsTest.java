package dev.sluice.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheDevelopmentProfileOnLoopback() {
        Settings settings = Settings.defaults();

        assertThat(settings.string(ConfigKeys.HOST)).isEqualTo("127.0.0.1");
        assertThat(settings.number(ConfigKeys.PORT)).isEqualTo(7700);
        assertThat(settings.string(ConfigKeys.DATA_DIR)).isEqualTo("./sluice-data");
        assertThat(settings.bool(ConfigKeys.AUTO_CREATE)).isTrue();
        assertThat(settings.number(ConfigKeys.SEGMENT_BYTES)).isEqualTo(1L << 30);
        assertThat(settings.number(ConfigKeys.RETENTION)).isEqualTo(7L * 24 * 3_600_000);
    }

    @Test
    void productionProfileTurnsAutoCreationOffUnlessSetExplicitly() {
        assertThat(Settings.load(null, Map.of("SLUICE_SERVER_PROFILE", "production"), Map.of())
                .bool(ConfigKeys.AUTO_CREATE)).isFalse();
        assertThat(Settings.load(null, Map.of("SLUICE_SERVER_PROFILE", "production", "SLUICE_TOPICS_AUTO_CREATE", "true"),
                Map.of()).bool(ConfigKeys.AUTO_CREATE)).isTrue();
    }

    @Test
    void environmentOverridesFileAndCommandLineOverridesEnvironment() throws IOException {
        Path file = write("server.port = 9000\nstorage.segmentBytes = 256m\nstorage.retention = 2h\n");

        Settings fileOnly = Settings.load(file, Map.of(), Map.of());
        Settings withEnvironment = Settings.load(file,
                Map.of("SLUICE_SERVER_PORT", "9100", "PATH", "/bin", "SLUICE_JAVA_OPTS", "-Xmx1g"), Map.of());
        Settings withOverride = Settings.load(file, Map.of("SLUICE_SERVER_PORT", "9100"), Map.of("server.port", "9200"));

        assertThat(fileOnly.number(ConfigKeys.PORT)).isEqualTo(9000);
        assertThat(fileOnly.number(ConfigKeys.SEGMENT_BYTES)).isEqualTo(256L << 20);
        assertThat(fileOnly.number(ConfigKeys.RETENTION)).isEqualTo(2 * 3_600_000L);
        assertThat(withEnvironment.number(ConfigKeys.PORT)).isEqualTo(9100);
        assertThat(withEnvironment.source(ConfigKeys.PORT)).isEqualTo("environment variable SLUICE_SERVER_PORT");
        assertThat(withOverride.number(ConfigKeys.PORT)).isEqualTo(9200);
    }

    @Test
    void unknownKeyInFileIsNamed() throws IOException {
        Path file = write("storage.segmentbytes = 1g\n");

        assertThatThrownBy(() -> Settings.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting storage.segmentbytes")
                .hasMessageContaining(file.toAbsolutePath().toString());
    }

    @Test
    void unknownSluiceEnvironmentVariableIsNamed() {
        assertThatThrownBy(() -> Settings.load(null, Map.of("SLUICE_SERVER_PROT", "1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SLUICE_SERVER_PROT");
    }

    @Test
    void badValuesNameKeySourceAndRule() {
        assertThatThrownBy(() -> Settings.load(null, Map.of("SLUICE_STORAGE_SEGMENT_BYTES", "12x"), Map.of()))
                .hasMessageContaining("storage.segmentBytes = \"12x\"")
                .hasMessageContaining("environment variable SLUICE_STORAGE_SEGMENT_BYTES")
                .hasMessageContaining("not a size");
        assertThatThrownBy(() -> Settings.load(null, Map.of(), Map.of("server.port", "65536")))
                .hasMessageContaining("server.port").hasMessageContaining("outside 0 to 65535");
        assertThatThrownBy(() -> Settings.load(null, Map.of(), Map.of("storage.flushPolicy", "sometimes")))
                .hasMessageContaining("not one of async, sync");
        assertThatThrownBy(() -> Settings.load(null, Map.of(), Map.of("topics.autoCreate", "yes")))
                .hasMessageContaining("not true or false");
        assertThatThrownBy(() -> Settings.load(null, Map.of(), Map.of("fetch.maxWaitMax", "10 minutes")))
                .hasMessageContaining("not a duration");
    }

    @Test
    void limitsAcceptTheirMaximumAndRejectOneMore() {
        assertThat(Settings.load(null, Map.of(), Map.of("topics.queueCountMax", "65536")).number(ConfigKeys.QUEUE_COUNT_MAX))
                .isEqualTo(65_536);
        assertThatThrownBy(() -> Settings.load(null, Map.of(), Map.of("topics.queueCountMax", "65537")))
                .hasMessageContaining("outside 1 to 65536");
    }

    @Test
    void crossRulesAreChecked() {
        assertThatThrownBy(() -> Settings.load(null, Map.of(),
                Map.of("groups.sessionTimeoutMin", "10s", "groups.sessionTimeoutMax", "5s")))
                .hasMessageContaining("groups.sessionTimeoutMin");
        assertThatThrownBy(() -> Settings.load(null, Map.of(),
                Map.of("storage.batchBytesMax", "16m", "server.frameBytesMax", "16m")))
                .hasMessageContaining("server.frameBytesMax");
    }

    @Test
    void environmentNamesAreUpperSnakeCase() {
        assertThat(ConfigKeys.KEY_INDEX_ENTRIES.environmentName()).isEqualTo("SLUICE_STORAGE_KEY_INDEX_ENTRIES_PER_SEGMENT");
        assertThat(ConfigKeys.HTTP_PORT.environmentName()).isEqualTo("SLUICE_HTTP_PORT");
    }

    @Test
    void docsListEverySettingAsTheCodeDefinesIt() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);

        assertThat(docs)
                .as("docs/configuration.md is out of date: replace its table with the output of "
                        + "`java -cp sluice-server/target/classes dev.sluice.server.config.ConfigDocs`")
                .contains(ConfigDocs.table());
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("sluice.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}

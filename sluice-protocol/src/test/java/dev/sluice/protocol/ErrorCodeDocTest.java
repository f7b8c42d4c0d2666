package dev.sluice.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The error-code table of docs/protocol.md is generated from {@link ErrorCode}: this test fails
 * when they differ and prints the table to paste. Run it with {@code -Dsluice.docs.update=true}
 * to rewrite the table in place.
 */
class ErrorCodeDocTest {
    private static final Path DOC = Path.of("..", "docs", "protocol.md");
    private static final String TABLE_HEADER = "| code | name | retriable | meaning |";

    static List<String> renderTable() {
        List<String> lines = new ArrayList<>();
        lines.add(TABLE_HEADER);
        lines.add("|---|---|---|---|");
        for (ErrorCode error : ErrorCode.values()) {
            String retriable = error == ErrorCode.NONE ? "–" : error.retriable() ? "yes" : "no";
            lines.add(String.format("| %d | `%s` | %s | %s |",
                    error.code(), error.name(), retriable, error.defaultMessage()));
        }
        return lines;
    }

    @Test
    void docTableMatchesTheEnum() throws IOException {
        List<String> doc = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        int start = doc.indexOf(TABLE_HEADER);
        assertThat(start).as("docs/protocol.md has a line '%s'", TABLE_HEADER).isNotNegative();
        int end = start;
        while (end < doc.size() && doc.get(end).startsWith("|")) {
            end++;
        }
        List<String> expected = renderTable();
        List<String> actual = doc.subList(start, end);
        if (!actual.equals(expected) && Boolean.getBoolean("sluice.docs.update")) {
            List<String> updated = new ArrayList<>(doc.subList(0, start));
            updated.addAll(expected);
            updated.addAll(doc.subList(end, doc.size()));
            Files.write(DOC, updated, StandardCharsets.UTF_8);
            return;
        }
        assertThat(actual)
                .as("docs/protocol.md's error-code table differs from ErrorCode.values(). "
                        + "Replace it with the table below, or run this test with "
                        + "-Dsluice.docs.update=true to rewrite it:%n%s%n",
                        String.join(System.lineSeparator(), expected))
                .containsExactlyElementsOf(expected);
    }
}

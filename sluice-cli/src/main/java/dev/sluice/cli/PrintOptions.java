package dev.sluice.cli;

import picocli.CommandLine.Option;

/**
 * How the consume commands print a message: its value, optionally after {@code queue:offset<TAB>}
 * and {@code key<TAB>} (an empty key for none). One line per message; shared so that
 * {@code sluice consume} and {@code sluice queue consume} print alike.
 */
final class PrintOptions {
    @Option(names = "--print-key", description = "Print key<TAB>value.")
    boolean printKey;

    @Option(names = "--print-offset", description = "Print queue:offset<TAB> before each message.")
    boolean printOffset;

    /** The line for one message; {@code key} and {@code value} may be null. */
    String line(int queue, long offset, String key, String value) {
        StringBuilder line = new StringBuilder();
        if (printOffset) {
            line.append(queue).append(':').append(offset).append('\t');
        }
        if (printKey) {
            line.append(key == null ? "" : key).append('\t');
        }
        return line.append(value).toString();
    }
}

package dev.sluice.server.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One setting of the broker process: its name in a properties file ({@code storage.segmentBytes}),
 * the environment variable that overrides it ({@code SLUICE_STORAGE_SEGMENT_BYTES}), its type,
 * default and range. The table in {@code docs/configuration.md} is checked against {@link ConfigKeys}.
 *
 * @param name dotted camel-case name, as written in a properties file
 * @param type how the text value is parsed
 * @param defaultValue the value when neither file nor environment sets it, in the file's syntax
 * @param min smallest allowed number (numbers, sizes and durations only)
 * @param max largest allowed number (numbers, sizes and durations only)
 * @param choices allowed values, lower case (choice type only)
 * @param description one sentence for the docs
 */
public record ConfigKey(
        String name, Type type, String defaultValue, long min, long max, java.util.List<String> choices, String description) {

    /** How a value is written. */
    public enum Type {
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A decimal integer. */
        INT,
        /** A byte count: a number with an optional binary suffix {@code k}, {@code m}, {@code g} (KiB, MiB, GiB). */
        SIZE,
        /** Milliseconds: a number with an optional suffix {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}. */
        DURATION,
        /** Any text (host names, paths). */
        STRING,
        /** One of {@link ConfigKey#choices()}. */
        CHOICE
    }

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        choices = java.util.List.copyOf(choices);
    }

    /** The environment variable that overrides this key: {@code SLUICE_} plus the name in upper snake case. */
    public String environmentName() {
        StringBuilder out = new StringBuilder("SLUICE_");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                out.append('_');
            } else if (Character.isUpperCase(c)) {
                out.append('_').append(c);
            } else {
                out.append(Character.toUpperCase(c));
            }
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}

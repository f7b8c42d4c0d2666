package dev.sluice.server.config;

/** Renders the settings table of {@code docs/configuration.md} from {@link ConfigKeys}. */
public final class ConfigDocs {
    private ConfigDocs() {
    }

    /** The Markdown table: key, environment variable, default, allowed values, meaning. */
    public static String table() {
        StringBuilder out = new StringBuilder();
        out.append("| key | environment variable | default | allowed | meaning |\n");
        out.append("|---|---|---|---|---|\n");
        for (ConfigKey key : ConfigKeys.all()) {
            out.append("| `").append(key.name()).append("` | `").append(key.environmentName()).append("` | `")
                    .append(key.defaultValue()).append("` | ").append(allowed(key)).append(" | ")
                    .append(key.description()).append(" |\n");
        }
        return out.toString();
    }

    private static String allowed(ConfigKey key) {
        return switch (key.type()) {
            case BOOLEAN -> "true, false";
            case STRING -> "text";
            case CHOICE -> String.join(", ", key.choices());
            case INT -> key.min() + " – " + key.max();
            case SIZE -> "bytes (k, m, g), " + key.min() + " – " + (key.max() >= Long.MAX_VALUE / 2 ? "no limit" : key.max());
            case DURATION -> "ms (ms, s, m, h, d), " + key.min() + " – " + (key.max() >= Long.MAX_VALUE / 2 ? "no limit" : key.max());
        };
    }

    /** Prints the table, to paste into the docs. */
    public static void main(String[] args) {
        System.out.print(table());
    }
}

package dev.sluice.server.config;

import dev.sluice.server.config.ConfigKey.Type;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The broker process's settings, merged from (lowest first) each key's default, an optional
 * properties file, {@code SLUICE_*} environment variables and command-line overrides. Every value
 * is parsed and range-checked when loaded, so a bad value fails the start with a
 * {@link ConfigException} naming the key and where it came from. Unknown keys in the file and
 * unknown {@code SLUICE_*} variables are errors too: a misspelt setting is never silently ignored.
 *
 * <p>Immutable and thread-safe.
 */
public final class Settings {
    /** {@code SLUICE_*} variables that belong to the {@code sluice} command, not the broker: never an error. */
    public static final java.util.Set<String> COMMAND_VARIABLES = java.util.Set.of("SLUICE_JAVA_OPTS", "SLUICE_BOOTSTRAP");

    private final Map<String, Object> values;
    private final Map<String, String> sources;

    private Settings(Map<String, Object> values, Map<String, String> sources) {
        this.values = Map.copyOf(values);
        this.sources = Map.copyOf(sources);
    }

    /** Defaults only. */
    public static Settings defaults() {
        return load(null, Map.of(), Map.of());
    }

    /**
     * Loads settings.
     *
     * @param file a properties file, or null for none
     * @param environment the process environment (only {@code SLUICE_*} variables are read)
     * @param overrides key → value pairs given on the command line
     * @throws ConfigException on an unknown key or a bad value
     */
    public static Settings load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> raw = new HashMap<>();
        Map<String, String> sources = new HashMap<>();
        if (file != null) {
            readFile(file, raw, sources);
        }
        Map<String, ConfigKey> byEnvironmentName = new HashMap<>();
        for (ConfigKey key : ConfigKeys.all()) {
            byEnvironmentName.put(key.environmentName(), key);
        }
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            if (!variable.getKey().startsWith("SLUICE_") || COMMAND_VARIABLES.contains(variable.getKey())) {
                continue;
            }
            ConfigKey key = byEnvironmentName.get(variable.getKey());
            if (key == null) {
                throw new ConfigException("unknown environment variable " + variable.getKey()
                        + ": SLUICE_* variables set broker settings; see docs/configuration.md for their names");
            }
            raw.put(key.name(), variable.getValue());
            sources.put(key.name(), "environment variable " + variable.getKey());
        }
        for (Map.Entry<String, String> override : new TreeMap<>(overrides).entrySet()) {
            if (ConfigKeys.byName(override.getKey()) == null) {
                throw new ConfigException("unknown setting " + override.getKey() + " on the command line");
            }
            raw.put(override.getKey(), override.getValue());
            sources.put(override.getKey(), "the command line");
        }
        Map<String, Object> values = new HashMap<>();
        for (ConfigKey key : ConfigKeys.all()) {
            String text = raw.get(key.name());
            String source = sources.getOrDefault(key.name(), "the default");
            if (text == null) {
                text = key.defaultValue();
            }
            if (key == ConfigKeys.AUTO_CREATE && text.equals("profile")) {
                continue;
            }
            values.put(key.name(), parse(key, text.trim(), source));
        }
        if (!values.containsKey(ConfigKeys.AUTO_CREATE.name())) {
            values.put(ConfigKeys.AUTO_CREATE.name(), values.get(ConfigKeys.PROFILE.name()).equals("dev"));
        }
        Settings settings = new Settings(values, sources);
        settings.checkCrossRules();
        return settings;
    }

    public boolean bool(ConfigKey key) {
        return (Boolean) value(key, Type.BOOLEAN);
    }

    /** An INT, SIZE or DURATION value. */
    public long number(ConfigKey key) {
        if (key.type() == Type.BOOLEAN || key.type() == Type.STRING || key.type() == Type.CHOICE) {
            throw new IllegalArgumentException(key.name() + " is not a number");
        }
        return (Long) values.get(key.name());
    }

    /** An INT or SIZE value known to fit an int by its range. */
    public int intNumber(ConfigKey key) {
        return Math.toIntExact(number(key));
    }

    public String string(ConfigKey key) {
        if (key.type() != Type.STRING && key.type() != Type.CHOICE) {
            throw new IllegalArgumentException(key.name() + " is not text");
        }
        return (String) values.get(key.name());
    }

    /** Where the key's value came from, for messages: a file and line, a variable, or "the default". */
    public String source(ConfigKey key) {
        return sources.getOrDefault(key.name(), "the default");
    }

    private Object value(ConfigKey key, Type type) {
        if (key.type() != type) {
            throw new IllegalArgumentException(key.name() + " is " + key.type() + ", not " + type);
        }
        return values.get(key.name());
    }

    private void checkCrossRules() {
        if (number(ConfigKeys.SESSION_TIMEOUT_MIN) > number(ConfigKeys.SESSION_TIMEOUT_MAX)) {
            throw new ConfigException("groups.sessionTimeoutMin (" + number(ConfigKeys.SESSION_TIMEOUT_MIN)
                    + " ms, from " + source(ConfigKeys.SESSION_TIMEOUT_MIN) + ") exceeds groups.sessionTimeoutMax ("
                    + number(ConfigKeys.SESSION_TIMEOUT_MAX) + " ms, from " + source(ConfigKeys.SESSION_TIMEOUT_MAX) + ")");
        }
        if (number(ConfigKeys.BATCH_BYTES_MAX) + 1_024 > number(ConfigKeys.FRAME_BYTES_MAX)) {
            throw new ConfigException("server.frameBytesMax (" + number(ConfigKeys.FRAME_BYTES_MAX)
                    + ") must exceed storage.batchBytesMax (" + number(ConfigKeys.BATCH_BYTES_MAX)
                    + ") by at least 1,024 bytes of request header, or the largest batch could never be sent");
        }
    }

    private static void readFile(Path file, Map<String, String> raw, Map<String, String> sources) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file.toAbsolutePath() + ": " + e.getMessage());
        }
        for (String name : new TreeMap<>(properties).keySet().stream().map(Object::toString).toList()) {
            if (ConfigKeys.byName(name) == null) {
                throw new ConfigException("unknown setting " + name + " in " + file.toAbsolutePath()
                        + "; see docs/configuration.md for the settings there are");
            }
            raw.put(name, properties.getProperty(name));
            sources.put(name, file.toAbsolutePath().toString());
        }
    }

    static Object parse(ConfigKey key, String text, String source) {
        String where = key.name() + " = \"" + text + "\" (from " + source + ")";
        return switch (key.type()) {
            case BOOLEAN -> {
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    yield Boolean.parseBoolean(text);
                }
                throw new ConfigException(where + ": not true or false");
            }
            case STRING -> {
                if (text.isEmpty()) {
                    throw new ConfigException(where + ": must not be empty");
                }
                yield text;
            }
            case CHOICE -> {
                String lower = text.toLowerCase(Locale.ROOT);
                if (!key.choices().contains(lower)) {
                    throw new ConfigException(where + ": not one of " + String.join(", ", key.choices()));
                }
                yield lower;
            }
            case INT, SIZE, DURATION -> {
                long value = parseNumber(key.type(), text, where);
                if (value < key.min() || value > key.max()) {
                    throw new ConfigException(where + ": outside " + key.min() + " to " + key.max());
                }
                yield value;
            }
        };
    }

    private static long parseNumber(Type type, String text, String where) {
        String lower = text.toLowerCase(Locale.ROOT).replace("_", "");
        long unit = 1;
        String digits = lower;
        if (type == Type.SIZE) {
            char last = lower.isEmpty() ? ' ' : lower.charAt(lower.length() - 1);
            unit = switch (last) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                default -> 1;
            };
            if (unit != 1) {
                digits = lower.substring(0, lower.length() - 1);
            }
        } else if (type == Type.DURATION) {
            String[][] suffixes = {{"ms", "1"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}, {"d", "86400000"}};
            for (String[] suffix : suffixes) {
                if (lower.endsWith(suffix[0])) {
                    unit = Long.parseLong(suffix[1]);
                    digits = lower.substring(0, lower.length() - suffix[0].length());
                    break;
                }
            }
        }
        try {
            long number = Long.parseLong(digits.trim());
            return Math.multiplyExact(number, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            String hint = switch (type) {
                case SIZE -> "not a size (write bytes, or 512k, 64m, 1g)";
                case DURATION -> "not a duration (write milliseconds, or 500ms, 30s, 5m, 1h, 7d)";
                default -> "not an integer";
            };
            throw new ConfigException(where + ": " + hint);
        }
    }
}

package io.imgpipe.spi;

import io.imgpipe.ConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Flat string properties handed to a {@link ComponentProvider} when a component is chosen by
 * name or by discovery. Each provider documents the keys it reads (for example
 * {@code imgpipe.s3.bucket}) and turns them into its own typed configuration record; the typed
 * getters here fail with a {@link ConfigurationException} that names the key.
 *
 * @param properties the properties; copied
 */
public record ProviderConfig(Map<String, String> properties) {

    /** Copies the properties. */
    public ProviderConfig {
        properties = Map.copyOf(properties);
    }

    /** {@return a configuration with no properties} */
    public static ProviderConfig empty() {
        return new ProviderConfig(Map.of());
    }

    /**
     * Reads an optional property.
     *
     * @param key a property name
     * @return its value, trimmed, or empty if absent or blank
     */
    public Optional<String> get(String key) {
        String value = properties.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /**
     * Reads a required property.
     *
     * @param key a property name
     * @return its value, trimmed
     * @throws ConfigurationException if absent or blank
     */
    public String require(String key) {
        return get(key).orElseThrow(() -> new ConfigurationException("missing required property " + key));
    }

    /**
     * {@return the value as an int}
     *
     * @param key a property name
     * @param defaultValue returned when absent
     * @throws ConfigurationException if present but not an integer
     */
    public int getInt(String key, int defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("property " + key + " must be an integer, got '" + value.get() + "'", e);
        }
    }

    /**
     * {@return the value as a long}
     *
     * @param key a property name
     * @param defaultValue returned when absent
     * @throws ConfigurationException if present but not an integer
     */
    public long getLong(String key, long defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("property " + key + " must be an integer, got '" + value.get() + "'", e);
        }
    }

    /**
     * {@return the value as a boolean ({@code true} or {@code false}, any case)}
     *
     * @param key a property name
     * @param defaultValue returned when absent
     * @throws ConfigurationException if present but neither
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new ConfigurationException("property " + key + " must be true or false, got '" + value.get() + "'");
        }
    }

    /**
     * {@return the value as a duration, written in ISO-8601 ({@code PT30S}) or as a number with a
     *     unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}}
     *
     * @param key a property name
     * @param defaultValue returned when absent
     * @throws ConfigurationException if present but not a duration
     */
    public Duration getDuration(String key, Duration defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return parseDuration(value.get());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new ConfigurationException("property " + key + " must be a duration such as 30s, 5m or PT30S, got '"
                    + value.get() + "'", e);
        }
    }

    /**
     * Parses a duration as {@link #getDuration} does.
     *
     * @param text ISO-8601 or a number with one of the units ms, s, m, h, d
     * @return the duration
     * @throws IllegalArgumentException if the text is not a duration
     */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        int unitStart = 0;
        while (unitStart < t.length() && Character.isDigit(t.charAt(unitStart))) {
            unitStart++;
        }
        if (unitStart == 0) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long amount = Long.parseLong(t.substring(0, unitStart));
        switch (t.substring(unitStart).trim()) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            case "d":
                return Duration.ofDays(amount);
            default:
                throw new IllegalArgumentException("unknown duration unit in " + text);
        }
    }
}

package io.imgpipe.server;

import io.imgpipe.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The environment variables the server is configured with (the process environment merged over a
 * {@code .env} file), read as typed values; a bad value fails with one line that names the variable:
 * {@code invalid PORT 'abc': must be an integer from 0 to 65535}. A blank value counts as unset.
 * Immutable and thread-safe.
 */
final class EnvironmentVariables {

    private static final int MAX_ECHOED_LENGTH = 80;

    private final Map<String, String> values;

    /**
     * Reads from a copy of the variables.
     *
     * @param values the variables, for example the environment merged over a {@code .env} file
     */
    EnvironmentVariables(Map<String, String> values) {
        this.values = Map.copyOf(Objects.requireNonNull(values, "values"));
    }

    /** The stripped value of a variable, or {@code null} if it is unset or blank. */
    String string(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.strip();
    }

    String string(String name, String defaultValue) {
        String value = string(name);
        return value == null ? defaultValue : value;
    }

    boolean isSet(String name) {
        return string(name) != null;
    }

    int integer(String name, int defaultValue, int min, int max) {
        return (int) longValue(name, defaultValue, min, max);
    }

    long longValue(String name, long defaultValue, long min, long max) {
        String value = string(name);
        if (value == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw invalid(name, value, "must be an integer from " + min + " to " + max);
        }
        requireRange(name, parsed, min, max);
        return parsed;
    }

    boolean bool(String name, boolean defaultValue) {
        Boolean value = optionalBool(name);
        return value == null ? defaultValue : value;
    }

    /** A true/false variable's value, or {@code null} if it is unset. */
    Boolean optionalBool(String name) {
        String value = string(name);
        if (value == null) {
            return null;
        }
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on":
                return Boolean.TRUE;
            case "false", "0", "no", "off":
                return Boolean.FALSE;
            default:
                throw invalid(name, value, "must be true or false");
        }
    }

    /** An absolute http(s) URL without query or fragment, or {@code null} if the variable is unset. */
    URI httpUrl(String name) {
        String value = string(name);
        if (value == null) {
            return null;
        }
        return requireHttpUrl(name, value);
    }

    static URI requireHttpUrl(String name, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(name, value, "must be an absolute http or https URL such as https://images.example.com");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw invalid(name, value, "must be an absolute http or https URL such as https://images.example.com");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(name, value, "must have no query or fragment");
        }
        return uri;
    }

    static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(name, Long.toString(value), "must be an integer from " + min + " to " + max);
        }
    }

    /**
     * @param name the variable
     * @param value its value, or {@code null} to leave it out of the message (secrets)
     * @param rule what a valid value is
     * @return {@code invalid NAME 'value': rule}
     */
    static ConfigurationException invalid(String name, String value, String rule) {
        return new ConfigurationException("invalid " + name + (value == null ? "" : " '" + echo(value) + "'") + ": " + rule);
    }

    private static String echo(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= MAX_ECHOED_LENGTH ? printable : printable.substring(0, MAX_ECHOED_LENGTH) + "...";
    }
}

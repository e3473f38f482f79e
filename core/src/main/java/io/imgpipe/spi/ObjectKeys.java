package io.imgpipe.spi;

import java.util.regex.Pattern;

/**
 * The rules every {@link ObjectStore} key follows, so that the same key is valid and safe in
 * every store: 1 to 1024 characters; segments separated by {@code /}; each segment non-empty,
 * neither {@code .} nor {@code ..}, and made of ASCII letters, digits, {@code .}, {@code _} and
 * {@code -}. No leading or trailing slash.
 */
public final class ObjectKeys {

    private static final int MAX_LENGTH = 1024;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    private ObjectKeys() {
    }

    /**
     * {@return the key}
     *
     * @param key a candidate key
     * @throws IllegalArgumentException naming the key and the rule it breaks
     */
    public static String requireValid(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("object key must not be empty");
        }
        if (key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("object key longer than " + MAX_LENGTH + " characters: " + key.substring(0, 64) + "...");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || !SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("invalid object key '" + key
                        + "': segments must be non-empty, not '.' or '..', and use only A-Z a-z 0-9 . _ -");
            }
        }
        return key;
    }
}

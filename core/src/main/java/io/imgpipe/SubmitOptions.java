package io.imgpipe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-request options given to {@link ProcessingEngine#submit}.
 *
 * @param metadata attributes stored with the request and returned with its status and to
 *     completion listeners (for example {@code webhookUrl}); at most 32 entries, keys up to 64
 *     and values up to 2,048 characters
 */
public record SubmitOptions(Map<String, String> metadata) {

    private static final int MAX_ENTRIES = 32;
    private static final int MAX_KEY_LENGTH = 64;
    private static final int MAX_VALUE_LENGTH = 2048;

    /** Copies the metadata and checks its size. */
    public SubmitOptions {
        metadata = Map.copyOf(metadata);
        if (metadata.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " metadata entries, got " + metadata.size());
        }
        metadata.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || key.startsWith("$") || key.contains(".")) {
                throw new IllegalArgumentException("metadata key must be 1 to " + MAX_KEY_LENGTH
                        + " characters without '.' or a leading '$': '" + key + "'");
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                throw new IllegalArgumentException("metadata value of '" + key + "' longer than " + MAX_VALUE_LENGTH);
            }
        });
    }

    /** {@return options with no metadata} */
    public static SubmitOptions none() {
        return new SubmitOptions(Map.of());
    }

    /**
     * {@return these options with the attribute added or replaced}
     *
     * @param key an attribute name
     * @param value its value
     */
    public SubmitOptions withMetadata(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(metadata);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new SubmitOptions(copy);
    }
}

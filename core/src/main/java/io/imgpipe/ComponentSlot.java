package io.imgpipe;

import java.util.Objects;

/**
 * One slot of a {@link ProcessingEngine.Builder}: an instance or a provider name, set at most once.
 *
 * @param <T> the component type
 */
final class ComponentSlot<T> {
    private final String slotName;
    private T instance;
    private String name;

    ComponentSlot(String slotName) {
        this.slotName = slotName;
    }

    void set(T value) {
        Objects.requireNonNull(value, slotName);
        requireUnset();
        instance = value;
    }

    void setName(String providerName) {
        Objects.requireNonNull(providerName, slotName);
        requireUnset();
        name = providerName;
    }

    /** Returns the instance given, or {@code null}. */
    T instance() {
        return instance;
    }

    /** Returns the provider name given, or {@code null}. */
    String name() {
        return name;
    }

    private void requireUnset() {
        if (instance != null || name != null) {
            throw new IllegalStateException(slotName + " is already set" + (name != null ? " to '" + name + "'" : ""));
        }
    }
}

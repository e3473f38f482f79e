package io.imgpipe.spi;

/**
 * Creates a component from {@link ProviderConfig} properties, for choosing components by name
 * or by {@link java.util.ServiceLoader} discovery. Each slot has its own provider interface
 * ({@link ObjectStoreProvider}, {@link ProductRepositoryProvider}, ...) registered under
 * {@code META-INF/services}.
 *
 * <p>The component a provider creates belongs to the caller (the engine, when it resolved the
 * slot by name or discovery), who closes it.
 *
 * @param <T> the component type
 */
public interface ComponentProvider<T> {

    /** {@return the short name the component is chosen by, for example {@code s3} or {@code mongo}} */
    String name();

    /**
     * Creates the component from configuration properties.
     *
     * @param config properties; each provider documents the keys it reads
     * @return a new component
     * @throws io.imgpipe.ConfigurationException if a required property is missing or invalid
     */
    T create(ProviderConfig config);
}

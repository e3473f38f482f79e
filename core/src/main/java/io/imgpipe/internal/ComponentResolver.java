package io.imgpipe.internal;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ComponentProvider;
import io.imgpipe.spi.ProviderConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Resolves one slot of the engine in the documented order: an instance given to the builder; a
 * provider chosen by name; {@link ServiceLoader} discovery when asked for (several candidates is
 * an error that lists them); then the slot's core default, if it has one.
 */
public final class ComponentResolver {

    private final ClassLoader classLoader;
    private final ProviderConfig config;
    private final boolean discover;

    /**
     * Creates a {@code ComponentResolver}.
     *
     * @param classLoader where providers are looked up
     * @param config the properties handed to providers
     * @param discover whether slots left unset may be filled by discovery
     */
    public ComponentResolver(ClassLoader classLoader, ProviderConfig config, boolean discover) {
        this.classLoader = classLoader;
        this.config = config;
        this.discover = discover;
    }

    /**
     * A resolved component and whether the engine created it (and so must close it).
     *
     * @param component the component
     * @param created {@code true} if resolved by name, discovery or default
     * @param <T> the component type
     */
    public record Resolved<T>(T component, boolean created) {
    }

    /**
     * {@return the resolved component}
     *
     * @param slot the slot's name for messages, for example {@code objectStore}
     * @param type the component type, for messages
     * @param providerType the provider interface to look up
     * @param instance the instance given to the builder, or {@code null}
     * @param name the provider name given to the builder, or {@code null}
     * @param fallback the core default, or {@code null} if the slot has none
     * @param hint what to add when nothing was found, for the error message
     * @param <T> the component type
     * @param <P> the provider type
     * @throws ConfigurationException if nothing can be resolved, a name is unknown, or discovery finds several
     */
    public <T, P extends ComponentProvider<T>> Resolved<T> resolve(String slot, Class<T> type, Class<P> providerType,
            T instance, String name, Supplier<T> fallback, String hint) {
        if (instance != null) {
            return new Resolved<>(instance, false);
        }
        if (name != null) {
            List<P> providers = load(providerType);
            return providers.stream()
                    .filter(p -> p.name().equals(name))
                    .findFirst()
                    .map(p -> new Resolved<>(create(p, type), true))
                    .orElseThrow(() -> new ConfigurationException("no " + type.getSimpleName() + " provider named '" + name
                            + "'; available: " + names(providers) + " (add the module that provides it to the classpath)"));
        }
        if (discover) {
            List<P> providers = load(providerType);
            if (providers.size() > 1) {
                throw new ConfigurationException(providers.size() + " " + type.getSimpleName() + " providers found: "
                        + names(providers) + " — choose one with ." + slot + "(name) or pass an instance");
            }
            Optional<P> only = providers.stream().findFirst();
            if (only.isPresent()) {
                return new Resolved<>(create(only.get(), type), true);
            }
        }
        if (fallback != null) {
            return new Resolved<>(fallback.get(), true);
        }
        throw new ConfigurationException("no " + type.getSimpleName() + " configured: " + hint);
    }

    private <T> T create(ComponentProvider<T> provider, Class<T> type) {
        T component = provider.create(config);
        if (component == null) {
            throw new ConfigurationException(type.getSimpleName() + " provider '" + provider.name() + "' returned null");
        }
        return component;
    }

    private <P> List<P> load(Class<P> providerType) {
        List<P> providers = new ArrayList<>();
        ServiceLoader.load(providerType, classLoader).forEach(providers::add);
        return providers;
    }

    private static String names(List<? extends ComponentProvider<?>> providers) {
        return providers.isEmpty() ? "none"
                : providers.stream().map(ComponentProvider::name).sorted().collect(Collectors.joining(", "));
    }
}

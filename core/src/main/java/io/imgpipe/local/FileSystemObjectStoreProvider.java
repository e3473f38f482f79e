package io.imgpipe.local;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ObjectStoreProvider;
import io.imgpipe.spi.ProviderConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Provides a {@link FileSystemObjectStore} under the name {@value #NAME}. Reads:
 * <ul>
 *   <li>{@value #ROOT} (required): the root directory, created if missing;
 *   <li>{@value #BASE_URL}: the absolute URL the root is served at; default the root's
 *       {@code file:} URL;
 *   <li>{@value #TEMP_MAX_AGE}: a duration such as {@code 1h}: see
 *       {@link FileSystemStoreConfig#tempFileMaxAge()};
 *   <li>{@value #TEMP_SWEEP_INTERVAL}: a duration, {@code 0s} for none: see
 *       {@link FileSystemStoreConfig#tempSweepInterval()}.
 * </ul>
 * Each {@link #create} returns a new store owned by the caller. Registered in
 * {@code META-INF/services/io.imgpipe.spi.ObjectStoreProvider}.
 */
public final class FileSystemObjectStoreProvider implements ObjectStoreProvider {

    /** The name this provider is chosen by. */
    public static final String NAME = "filesystem";
    /** The property naming the root directory. */
    public static final String ROOT = "imgpipe.filesystem.root";
    /** The property naming the URL the root is served at. */
    public static final String BASE_URL = "imgpipe.filesystem.base-url";
    /** The property giving the age after which a temporary file is debris. */
    public static final String TEMP_MAX_AGE = "imgpipe.filesystem.temp-max-age";
    /** The property giving how often debris is looked for. */
    public static final String TEMP_SWEEP_INTERVAL = "imgpipe.filesystem.temp-sweep-interval";

    /** Creates the provider (for {@link java.util.ServiceLoader}). */
    public FileSystemObjectStoreProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@return a new store}
     *
     * @param config the properties {@value #ROOT}, {@value #BASE_URL}, {@value #TEMP_MAX_AGE} and
     *     {@value #TEMP_SWEEP_INTERVAL}
     * @throws ConfigurationException naming the property if the root is missing, not a usable
     *     directory, or the base URL is not an absolute URL
     */
    @Override
    public ObjectStore create(ProviderConfig config) {
        String rootText = config.require(ROOT);
        Path root;
        try {
            root = Path.of(rootText).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new ConfigurationException("property " + ROOT + " is not a valid path: '" + rootText + "'", e);
        }
        URI baseUrl = config.get(BASE_URL).map(FileSystemObjectStoreProvider::parseBaseUrl).orElseGet(root::toUri);
        FileSystemStoreConfig defaults = new FileSystemStoreConfig(root, baseUrl);
        FileSystemStoreConfig withAge = checked(TEMP_MAX_AGE,
                () -> defaults.withTempFileMaxAge(config.getDuration(TEMP_MAX_AGE, defaults.tempFileMaxAge())));
        FileSystemStoreConfig storeConfig = checked(TEMP_SWEEP_INTERVAL,
                () -> withAge.withTempSweepInterval(config.getDuration(TEMP_SWEEP_INTERVAL, defaults.tempSweepInterval())));
        try {
            return new FileSystemObjectStore(storeConfig);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("property " + ROOT + ": " + e.getMessage(), e);
        }
    }

    private static FileSystemStoreConfig checked(String property, Supplier<FileSystemStoreConfig> change) {
        try {
            return change.get();
        } catch (ConfigurationException e) {
            if (e.getMessage().startsWith("property ")) {
                throw e;
            }
            throw new ConfigurationException("property " + property + ": " + e.getMessage(), e);
        }
    }

    private static URI parseBaseUrl(String text) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigurationException("property " + BASE_URL + " must be an absolute URL, got '" + text + "'", e);
        }
        FileSystemStoreConfig.requireUsableBaseUrl(url, "property " + BASE_URL);
        return url;
    }
}

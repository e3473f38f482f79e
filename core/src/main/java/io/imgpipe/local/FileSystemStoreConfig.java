package io.imgpipe.local;

import io.imgpipe.ConfigurationException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of a {@link FileSystemObjectStore}. Immutable; validated on construction.
 *
 * @param root the directory objects are stored under, made absolute and normalized; created
 *     (with its parents) by the store if missing
 * @param baseUrl the absolute URL the root is served at, for example
 *     {@code https://cdn.example.com/images}; an object's URL is this URL and its key joined
 *     by exactly one {@code /}. No query or fragment
 * @param tempFileMaxAge how long a temporary file of a put may go unmodified before it is taken
 *     for the debris of a put that died with its process and deleted; default
 *     {@value #DEFAULT_TEMP_FILE_MAX_AGE_MINUTES} minutes. A live put writes its file within
 *     moments, so any age far above the time one put takes is safe
 * @param tempSweepInterval how often the store looks for such debris, starting when it is
 *     opened; default {@value #DEFAULT_TEMP_SWEEP_INTERVAL_MINUTES} minutes. Zero turns the
 *     background sweep off (call {@link FileSystemObjectStore#sweepTemporaryFiles()} instead)
 */
public record FileSystemStoreConfig(Path root, URI baseUrl, Duration tempFileMaxAge, Duration tempSweepInterval) {

    /** The default {@link #tempFileMaxAge()}, in minutes. */
    public static final long DEFAULT_TEMP_FILE_MAX_AGE_MINUTES = 60;
    /** The default {@link #tempSweepInterval()}, in minutes. */
    public static final long DEFAULT_TEMP_SWEEP_INTERVAL_MINUTES = 60;

    /**
     * Validates the settings.
     *
     * @throws ConfigurationException naming the field if {@code root} is missing, {@code baseUrl}
     *     is missing, relative, opaque, or has a query or fragment, {@code tempFileMaxAge} is
     *     missing or not positive, or {@code tempSweepInterval} is missing or negative
     */
    public FileSystemStoreConfig {
        if (root == null) {
            throw new ConfigurationException("FileSystemStoreConfig.root must not be null");
        }
        root = root.toAbsolutePath().normalize();
        requireUsableBaseUrl(baseUrl, "FileSystemStoreConfig.baseUrl");
        if (tempFileMaxAge == null || tempFileMaxAge.isZero() || tempFileMaxAge.isNegative()) {
            throw new ConfigurationException("FileSystemStoreConfig.tempFileMaxAge must be positive, got " + tempFileMaxAge);
        }
        if (tempSweepInterval == null || tempSweepInterval.isNegative()) {
            throw new ConfigurationException("FileSystemStoreConfig.tempSweepInterval must be zero (off) or positive, got "
                    + tempSweepInterval);
        }
    }

    /**
     * Settings with the default sweeping of temporary files.
     *
     * @param root see {@link #root()}
     * @param baseUrl see {@link #baseUrl()}
     * @throws ConfigurationException as the canonical constructor
     */
    public FileSystemStoreConfig(Path root, URI baseUrl) {
        this(root, baseUrl, Duration.ofMinutes(DEFAULT_TEMP_FILE_MAX_AGE_MINUTES),
                Duration.ofMinutes(DEFAULT_TEMP_SWEEP_INTERVAL_MINUTES));
    }

    /**
     * {@return settings that serve objects at their {@code file:} URLs}
     *
     * @param root the directory objects are stored under
     */
    public static FileSystemStoreConfig of(Path root) {
        if (root == null) {
            throw new ConfigurationException("FileSystemStoreConfig.root must not be null");
        }
        return new FileSystemStoreConfig(root, root.toAbsolutePath().normalize().toUri());
    }

    /**
     * {@return these settings with that root}
     *
     * @param root another root
     */
    public FileSystemStoreConfig withRoot(Path root) {
        return new FileSystemStoreConfig(root, baseUrl, tempFileMaxAge, tempSweepInterval);
    }

    /**
     * {@return these settings with that base URL}
     *
     * @param baseUrl another base URL
     */
    public FileSystemStoreConfig withBaseUrl(URI baseUrl) {
        return new FileSystemStoreConfig(root, baseUrl, tempFileMaxAge, tempSweepInterval);
    }

    /**
     * {@return these settings with it}
     *
     * @param value another {@link #tempFileMaxAge()}
     */
    public FileSystemStoreConfig withTempFileMaxAge(Duration value) {
        return new FileSystemStoreConfig(root, baseUrl, value, tempSweepInterval);
    }

    /**
     * {@return these settings with it}
     *
     * @param value another {@link #tempSweepInterval()}; zero for none
     */
    public FileSystemStoreConfig withTempSweepInterval(Duration value) {
        return new FileSystemStoreConfig(root, baseUrl, tempFileMaxAge, value);
    }

    static void requireUsableBaseUrl(URI baseUrl, String setting) {
        if (baseUrl == null) {
            throw new ConfigurationException(setting + " must not be null");
        }
        if (!baseUrl.isAbsolute() || baseUrl.isOpaque()) {
            throw new ConfigurationException(setting + " must be an absolute hierarchical URL such as "
                    + "https://cdn.example.com/images, got '" + baseUrl + "'");
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new ConfigurationException(setting + " must have no query or fragment, got '" + baseUrl + "'");
        }
    }
}

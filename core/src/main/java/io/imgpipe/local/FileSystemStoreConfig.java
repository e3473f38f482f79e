package io.imgpipe.local;

import io.imgpipe.ConfigurationException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Settings of a {@link FileSystemObjectStore}. Immutable; validated on construction.
 *
 * @param root the directory objects are stored under, made absolute and normalized; created
 *     (with its parents) by the store if missing
 * @param baseUrl the absolute URL the root is served at, for example
 *     {@code https://cdn.example.com/images}; an object's URL is this URL and its key joined
 *     by exactly one {@code /}. No query or fragment
 */
public record FileSystemStoreConfig(Path root, URI baseUrl) {

    /**
     * Validates the settings.
     *
     * @throws ConfigurationException naming the field if {@code root} is missing or
     *     {@code baseUrl} is missing, relative, opaque, or has a query or fragment
     */
    public FileSystemStoreConfig {
        if (root == null) {
            throw new ConfigurationException("FileSystemStoreConfig.root must not be null");
        }
        root = root.toAbsolutePath().normalize();
        requireUsableBaseUrl(baseUrl, "FileSystemStoreConfig.baseUrl");
    }

    /**
     * @param root the directory objects are stored under
     * @return settings that serve objects at their {@code file:} URLs
     */
    public static FileSystemStoreConfig of(Path root) {
        if (root == null) {
            throw new ConfigurationException("FileSystemStoreConfig.root must not be null");
        }
        return new FileSystemStoreConfig(root, root.toAbsolutePath().normalize().toUri());
    }

    /**
     * @param root another root
     * @return these settings with that root
     */
    public FileSystemStoreConfig withRoot(Path root) {
        return new FileSystemStoreConfig(root, baseUrl);
    }

    /**
     * @param baseUrl another base URL
     * @return these settings with that base URL
     */
    public FileSystemStoreConfig withBaseUrl(URI baseUrl) {
        return new FileSystemStoreConfig(root, baseUrl);
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

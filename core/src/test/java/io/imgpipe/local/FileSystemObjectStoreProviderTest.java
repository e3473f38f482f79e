package io.imgpipe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ObjectStoreProvider;
import io.imgpipe.spi.ProviderConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemObjectStoreProviderTest {

    @TempDir
    Path tempDir;

    private final FileSystemObjectStoreProvider provider = new FileSystemObjectStoreProvider();

    @Test
    void isNamedFilesystem() {
        assertThat(provider.name()).isEqualTo("filesystem");
    }

    @Test
    void isDiscoverableThroughServiceLoader() {
        assertThat(ServiceLoader.load(ObjectStoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(p -> {
                    assertThat(p).isInstanceOf(FileSystemObjectStoreProvider.class);
                    assertThat(p.name()).isEqualTo("filesystem");
                });
    }

    @Test
    void createsAStoreUnderTheConfiguredRoot() {
        Path root = tempDir.resolve("images");

        try (ObjectStore store = provider.create(config(Map.of("imgpipe.filesystem.root", root.toString())))) {
            store.put("a/b.jpg", new byte[] {1, 2, 3}, "image/jpeg");
        }

        assertThat(root.resolve("a/b.jpg")).hasBinaryContent(new byte[] {1, 2, 3});
    }

    @Test
    void baseUrlDefaultsToTheRootsFileUrl() {
        Path root = tempDir.resolve("images");

        ObjectStore store = provider.create(config(Map.of("imgpipe.filesystem.root", root.toString())));

        assertThat(Path.of(store.url("a/b.jpg"))).isEqualTo(root.resolve("a/b.jpg"));
    }

    @Test
    void configuredBaseUrlIsUsed() {
        ObjectStore store = provider.create(config(Map.of(
                "imgpipe.filesystem.root", tempDir.toString(),
                "imgpipe.filesystem.base-url", "https://cdn.example.com/images")));

        assertThat(store.url("a/b.jpg")).isEqualTo(URI.create("https://cdn.example.com/images/a/b.jpg"));
    }

    @Test
    void missingRootIsAConfigurationErrorNamingTheProperty() {
        assertThatThrownBy(() -> provider.create(config(Map.of("imgpipe.filesystem.base-url", "https://cdn.example.com"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.filesystem.root");
    }

    @Test
    void rootThatIsAFileIsAConfigurationErrorNamingTheProperty() throws IOException {
        Path file = Files.writeString(tempDir.resolve("file"), "x");

        assertThatThrownBy(() -> provider.create(config(Map.of("imgpipe.filesystem.root", file.toString()))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.filesystem.root")
                .hasMessageContaining(file.toString());
    }

    @Test
    void unparsableBaseUrlIsAConfigurationErrorNamingTheProperty() {
        assertThatThrownBy(() -> provider.create(config(Map.of(
                "imgpipe.filesystem.root", tempDir.toString(),
                "imgpipe.filesystem.base-url", "https://cdn example.com/"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.filesystem.base-url");
    }

    @Test
    void relativeBaseUrlIsAConfigurationErrorNamingTheProperty() {
        assertThatThrownBy(() -> provider.create(config(Map.of(
                "imgpipe.filesystem.root", tempDir.toString(),
                "imgpipe.filesystem.base-url", "images/"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.filesystem.base-url");
    }

    @Test
    void readsTheSweepOfTemporaryFiles() {
        try (FileSystemObjectStore store = (FileSystemObjectStore) provider.create(config(Map.of(
                "imgpipe.filesystem.root", tempDir.toString(),
                "imgpipe.filesystem.temp-max-age", "2h",
                "imgpipe.filesystem.temp-sweep-interval", "0s")))) {
            assertThat(store.config().tempFileMaxAge()).isEqualTo(java.time.Duration.ofHours(2));
            assertThat(store.config().tempSweepInterval()).isZero();
        }
    }

    @Test
    void nonPositiveTempMaxAgeIsAConfigurationErrorNamingTheProperty() {
        assertThatThrownBy(() -> provider.create(config(Map.of(
                "imgpipe.filesystem.root", tempDir.toString(),
                "imgpipe.filesystem.temp-max-age", "0s"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.filesystem.temp-max-age")
                .hasMessageContaining("tempFileMaxAge must be positive");
    }

    private static ProviderConfig config(Map<String, String> properties) {
        return new ProviderConfig(properties);
    }
}

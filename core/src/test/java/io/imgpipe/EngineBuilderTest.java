package io.imgpipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.local.InMemoryProductRepository;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ObjectStoreProvider;
import io.imgpipe.spi.ProviderConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineBuilderTest {

    @TempDir
    Path dir;

    /** Counts how many stores it made were closed; registered only through {@link #loaderWithTestProvider}. */
    public static final class CountingStoreProvider implements ObjectStoreProvider {
        static final AtomicInteger CLOSED = new AtomicInteger();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public ObjectStore create(ProviderConfig config) {
            return new CountingStore();
        }
    }

    static final class CountingStore implements ObjectStore {
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public void put(String key, byte[] data, String contentType) {
        }

        @Override
        public Optional<byte[]> get(String key) {
            return Optional.empty();
        }

        @Override
        public void delete(String key) {
        }

        @Override
        public URI url(String key) {
            return URI.create("http://counting.test/" + key);
        }

        @Override
        public void ping() {
        }

        @Override
        public void close() {
            closed.incrementAndGet();
            CountingStoreProvider.CLOSED.incrementAndGet();
        }
    }

    private ClassLoader loaderWithTestProvider() throws IOException {
        Path services = dir.resolve("extra/META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(ObjectStoreProvider.class.getName()), CountingStoreProvider.class.getName() + "\n");
        return new URLClassLoader(new URL[] {dir.resolve("extra").toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void refusesToBuildWithoutARepositoryAndSaysWhatToAdd() {
        assertThatThrownBy(() -> ProcessingEngine.builder().objectStore(new CountingStore()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no ProductRepository configured")
                .hasMessageContaining(".repository(");
    }

    @Test
    void refusesToBuildWithoutAnObjectStoreAndSaysWhatToAdd() {
        assertThatThrownBy(() -> ProcessingEngine.builder().repository(new InMemoryProductRepository()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no ObjectStore configured")
                .hasMessageContaining(".objectStore(");
    }

    @Test
    void refusesASlotSetTwice() {
        ProcessingEngine.Builder builder = ProcessingEngine.builder().objectStore("s3");

        assertThatThrownBy(() -> builder.objectStore(new CountingStore()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("objectStore is already set to 's3'");
    }

    @Test
    void anUnknownProviderNameListsTheAvailableOnes() {
        assertThatThrownBy(() -> ProcessingEngine.builder().repository("mongo").objectStore(new CountingStore()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no ProductRepository provider named 'mongo'")
                .hasMessageContaining("memory");
    }

    @Test
    void resolvesComponentsByProviderName() {
        try (ProcessingEngine engine = ProcessingEngine.builder()
                .repository("memory")
                .objectStore("filesystem")
                .properties(Map.of("imgpipe.filesystem.root", dir.toString()))
                .build()) {
            assertThat(engine.health().isUp()).isTrue();
        }
    }

    @Test
    void discoveryUsesTheOnlyCandidateOfEachSlot() {
        try (ProcessingEngine engine = ProcessingEngine.builder()
                .discover()
                .properties(Map.of("imgpipe.filesystem.root", dir.toString()))
                .build()) {
            assertThat(engine.health().isUp()).isTrue();
        }
    }

    @Test
    void discoveryWithSeveralCandidatesListsThemAndSaysHowToChoose() throws IOException {
        ClassLoader loader = loaderWithTestProvider();

        assertThatThrownBy(() -> ProcessingEngine.builder().classLoader(loader).discover()
                .properties(Map.of("imgpipe.filesystem.root", dir.toString())).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("2 ObjectStore providers found: counting, filesystem")
                .hasMessageContaining(".objectStore(name)");
    }

    @Test
    void closesComponentsItCreatedButNotThoseItWasGiven() throws IOException {
        CountingStore given = new CountingStore();
        ProcessingEngine.builder().repository(new InMemoryProductRepository()).objectStore(given).build().close();
        assertThat(given.closed).hasValue(0);

        int before = CountingStoreProvider.CLOSED.get();
        ProcessingEngine.builder().classLoader(loaderWithTestProvider()).repository(new InMemoryProductRepository())
                .objectStore("counting").build().close();
        assertThat(CountingStoreProvider.CLOSED.get()).isEqualTo(before + 1);
    }

    @Test
    void closesWhatItCreatedWhenBuildFails() throws IOException {
        int before = CountingStoreProvider.CLOSED.get();

        assertThatThrownBy(() -> ProcessingEngine.builder().classLoader(loaderWithTestProvider())
                .objectStore("counting").repository("memory").fetcher("no-such-fetcher").build())
                .isInstanceOf(ConfigurationException.class);
        assertThat(CountingStoreProvider.CLOSED.get()).isEqualTo(before + 1);
    }

    @Test
    void engineConfigNamesTheFieldOutOfRange() {
        assertThatThrownBy(() -> EngineConfig.builder().ioConcurrency(0).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("EngineConfig.ioConcurrency");
        assertThatThrownBy(() -> EngineConfig.builder().leaseDuration(java.time.Duration.ZERO).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("EngineConfig.leaseDuration");
        assertThatThrownBy(() -> EngineConfig.builder().retryMaxDelay(java.time.Duration.ofMillis(10)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("EngineConfig.retryMaxDelay");
    }

    @Test
    void fileSystemStoreGivenByInstanceIsUsedAsIs() {
        FileSystemObjectStore store = new FileSystemObjectStore(new FileSystemStoreConfig(dir, URI.create("http://x.test/")));
        try (ProcessingEngine engine = ProcessingEngine.builder().repository(new InMemoryProductRepository())
                .objectStore(store).build()) {
            assertThat(engine.health().objectStoreUp()).isTrue();
        }
    }
}

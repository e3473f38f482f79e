package io.imgpipe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.imgpipe.ConfigurationException;
import io.imgpipe.ObjectStoreException;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.testkit.ObjectStoreContract;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSystemObjectStoreTest extends ObjectStoreContract {

    private static final String JPEG = "image/jpeg";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tempDir;

    private Path root() {
        return tempDir.resolve("store");
    }

    private FileSystemObjectStore fsStore() {
        return (FileSystemObjectStore) store();
    }

    @Override
    protected ObjectStore newStore() {
        return new FileSystemObjectStore(FileSystemStoreConfig.of(root()));
    }

    @Override
    protected Optional<byte[]> download(URI url) throws IOException {
        try (InputStream in = url.toURL().openStream()) {
            return Optional.of(in.readAllBytes());
        }
    }

    // ---------------------------------------------------------------- layout

    @Test
    void objectIsAFileUnderTheRoot() throws IOException {
        byte[] data = payload(1_000, 1);

        store().put("req-1/t1.jpg", data, JPEG);

        assertThat(root().resolve("req-1/t1.jpg")).isRegularFile().hasBinaryContent(data);
        assertThat(fsStore().pathOf("req-1/t1.jpg")).isEqualTo(root().resolve("req-1/t1.jpg"));
    }

    @Test
    void rootIsCreatedWhenMissing() {
        Path nested = tempDir.resolve("a/b/c");

        new FileSystemObjectStore(FileSystemStoreConfig.of(nested));

        assertThat(nested).isDirectory();
    }

    @Test
    void rootThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(tempDir.resolve("file"), "x");

        assertThatThrownBy(() -> new FileSystemObjectStore(FileSystemStoreConfig.of(file)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FileSystemStoreConfig.root")
                .hasMessageContaining(file.toString());
    }

    @Test
    void relativeRootIsMadeAbsolute() {
        FileSystemStoreConfig config = new FileSystemStoreConfig(Path.of("relative/images"), URI.create("http://cdn.example.com"));

        assertThat(config.root().isAbsolute()).isTrue();
        assertThat(config.root()).isEqualTo(Path.of("relative/images").toAbsolutePath());
    }

    // ---------------------------------------------------------------- temporary files

    @Test
    void noTemporaryFileIsLeftAfterPuts() throws IOException {
        store().put("req-1/a.jpg", payload(1_000, 1), JPEG);
        store().put("req-1/a.jpg", payload(2_000, 2), JPEG);
        store().put("req-1/sub/b.jpg", payload(3_000, 3), JPEG);
        store().put("c.jpg", payload(10, 4), JPEG);
        store().ping();

        assertThat(filesUnder(root())).containsExactlyInAnyOrder("c.jpg", "req-1/a.jpg", "req-1/sub/b.jpg");
    }

    @Test
    void failedPutLeavesNoTemporaryFile() throws IOException {
        store().put("req-1/a.jpg", payload(1_000, 1), JPEG);

        assertThatThrownBy(() -> store().put("req-1", payload(1_000, 2), JPEG)).isInstanceOf(ObjectStoreException.class);

        assertThat(filesUnder(root())).containsExactly("req-1/a.jpg");
    }

    @Test
    void temporaryFilesOfPutsThatDiedAreDeletedWhenTheStoreOpens() throws IOException {
        Path stale = staleTemporaryFile(root().resolve("req-9/~1-1.jpg.0123456789abcdef.tmp"), Duration.ofHours(2));
        Path fresh = staleTemporaryFile(root().resolve("req-8/~1-1.jpg.fedcba9876543210.tmp"), Duration.ofMinutes(1));
        Path object = Files.write(root().resolve("req-8/1-2.jpg"), new byte[] {2});

        try (FileSystemObjectStore reopened = new FileSystemObjectStore(FileSystemStoreConfig.of(root()))) {
            await().atMost(WAIT).until(() -> Files.notExists(stale));

            assertThat(stale.getParent()).as("a directory the sweep left empty").doesNotExist();
            assertThat(fresh).as("younger than tempFileMaxAge: maybe a live put of another process").exists();
            assertThat(object).exists();
        }
    }

    @Test
    void temporaryFilesOfPutsThatDiedAreDeletedPeriodically() throws IOException {
        FileSystemStoreConfig config = FileSystemStoreConfig.of(root()).withTempFileMaxAge(Duration.ofMinutes(1))
                .withTempSweepInterval(Duration.ofMillis(50));
        try (FileSystemObjectStore sweeping = new FileSystemObjectStore(config)) {
            sweeping.put("req-1/1-1.jpg", payload(100, 1), JPEG);
            Path stale = staleTemporaryFile(root().resolve("req-1/~1-2.jpg.0123456789abcdef.tmp"), Duration.ofMinutes(5));

            await().atMost(WAIT).until(() -> Files.notExists(stale));

            assertThat(filesUnder(root())).containsExactly("req-1/1-1.jpg");
        }
    }

    @Test
    void sweepingWithoutABackgroundThreadIsCalledExplicitly() throws IOException {
        FileSystemStoreConfig config = FileSystemStoreConfig.of(root()).withTempSweepInterval(Duration.ZERO);
        Path stale = staleTemporaryFile(root().resolve("~ping-0123456789abcdef.tmp"), Duration.ofDays(1));
        try (FileSystemObjectStore manual = new FileSystemObjectStore(config)) {
            assertThat(stale).exists();

            assertThat(manual.sweepTemporaryFiles()).isEqualTo(1);

            assertThat(stale).doesNotExist();
        }
    }

    @Test
    void aSweepNeverDeletesATemporaryFileThatAPutOfTheStoreIsWriting() throws Exception {
        FileSystemStoreConfig config = FileSystemStoreConfig.of(root()).withTempFileMaxAge(Duration.ofNanos(1))
                .withTempSweepInterval(Duration.ZERO);
        try (FileSystemObjectStore racing = new FileSystemObjectStore(config)) {
            AtomicBoolean putting = new AtomicBoolean(true);
            AtomicInteger swept = new AtomicInteger();
            Thread sweeper = new Thread(() -> {
                while (putting.get()) {
                    swept.addAndGet(racing.sweepTemporaryFiles());
                }
            });
            sweeper.start();
            ExecutorService writers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> puts = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    puts.add(writers.submit(() -> racing.put("req-1/" + n + ".jpg", payload(64 * 1024, n), JPEG)));
                }
                for (Future<?> put : puts) {
                    put.get(60, TimeUnit.SECONDS);
                }
            } finally {
                putting.set(false);
                writers.shutdown();
                sweeper.join();
            }

            assertThat(swept).as("temporary files deleted while their put was writing them").hasValue(0);
            for (int i = 0; i < 200; i++) {
                assertThat(racing.get("req-1/" + i + ".jpg")).hasValue(payload(64 * 1024, i));
            }
        }
    }

    private static Path staleTemporaryFile(Path file, Duration age) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {42});
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    // ---------------------------------------------------------------- keys versus directories

    @Test
    void putToAKeyThatIsADirectoryFailsForGoodNamingRootAndKey() {
        store().put("req-1/a.jpg", payload(1_000, 1), JPEG);

        assertThatThrownBy(() -> store().put("req-1", payload(1_000, 2), JPEG))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.key()).isEqualTo("req-1");
                    assertThat(e.getMessage()).contains(root().toString()).contains("'req-1'");
                });
    }

    @Test
    void putUnderAKeyThatIsAnObjectFailsForGood() {
        store().put("req-1", payload(1_000, 1), JPEG);

        assertThatThrownBy(() -> store().put("req-1/a.jpg", payload(1_000, 2), JPEG))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains(root().toString()).contains("req-1/a.jpg");
                });
    }

    @Test
    void getOfAKeyThatIsADirectoryIsEmpty() {
        store().put("req-1/a.jpg", payload(1_000, 1), JPEG);

        assertThat(store().get("req-1")).isEmpty();
    }

    @Test
    void getUnderAKeyThatIsAnObjectIsEmpty() {
        store().put("req-1", payload(1_000, 1), JPEG);

        assertThat(store().get("req-1/a.jpg")).isEmpty();
    }

    @Test
    void deleteOfAKeyThatIsADirectoryLeavesItsObjects() {
        store().put("req-1/a.jpg", payload(1_000, 1), JPEG);

        store().delete("req-1");

        assertThat(store().get("req-1/a.jpg")).isPresent();
    }

    @Test
    void deleteRemovesTheDirectoriesItLeavesEmptyButNotTheRootOrASibling() {
        store().put("req-1/p/a.jpg", payload(1_000, 1), JPEG);
        store().put("req-2/b.jpg", payload(1_000, 2), JPEG);

        store().delete("req-1/p/a.jpg");

        assertThat(root().resolve("req-1")).doesNotExist();
        assertThat(root().resolve("req-2/b.jpg")).isRegularFile();
        store().delete("req-2/b.jpg");
        assertThat(root()).isDirectory().isEmptyDirectory();
    }

    @Test
    void putsAndDeletesOfOtherKeysInOneDirectoryDoNotDisturbEachOther() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                workers.add(threads.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        store().put("req-1/" + name + ".jpg", payload(10, i), JPEG); // the other may be pruning req-1
                        assertThat(store().get("req-1/" + name + ".jpg")).isPresent();
                        store().delete("req-1/" + name + ".jpg");
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(root().resolve("req-1")).doesNotExist();
    }

    @Test
    void deleteUnderAKeyThatIsAnObjectDoesNothing() {
        store().put("req-1", payload(1_000, 1), JPEG);

        store().delete("req-1/a.jpg");

        assertThat(store().get("req-1")).isPresent();
    }

    // ---------------------------------------------------------------- confinement

    @Test
    void invalidKeyWritesNothingOutsideTheRoot() throws IOException {
        assertThatThrownBy(() -> store().put("../escaped.jpg", payload(100, 1), JPEG))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(filesUnder(tempDir)).isEmpty();
    }

    @Test
    void putThroughASymlinkLeadingOutsideTheRootIsRefused() throws IOException {
        Path outside = Files.createDirectory(tempDir.resolve("outside"));
        symlink(root().resolve("evil"), outside);

        assertThatThrownBy(() -> store().put("evil/x.jpg", payload(100, 1), JPEG))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains(root().toString()).contains("evil/x.jpg");
                });
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void putThroughASymlinkCreatesNoDirectoryOutsideTheRoot() throws IOException {
        Path outside = Files.createDirectory(tempDir.resolve("outside"));
        symlink(root().resolve("evil"), outside);

        assertThatThrownBy(() -> store().put("evil/deeper/still/x.jpg", payload(100, 1), JPEG))
                .isInstanceOf(ObjectStoreException.class);

        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void getThroughASymlinkLeadingOutsideTheRootIsRefused() throws IOException {
        Path outside = Files.createDirectory(tempDir.resolve("outside"));
        Files.writeString(outside.resolve("secret.jpg"), "secret");
        symlink(root().resolve("evil"), outside);

        assertThatThrownBy(() -> store().get("evil/secret.jpg"))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void deleteThroughASymlinkLeadingOutsideTheRootIsRefused() throws IOException {
        Path outside = Files.createDirectory(tempDir.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("secret.jpg"), "secret");
        symlink(root().resolve("evil"), outside);

        assertThatThrownBy(() -> store().delete("evil/secret.jpg")).isInstanceOf(ObjectStoreException.class);

        assertThat(secret).exists();
    }

    @Test
    void pathOfThroughASymlinkLeadingOutsideTheRootIsRefused() throws IOException {
        Path outside = Files.createDirectory(tempDir.resolve("outside"));
        symlink(root().resolve("evil"), outside);

        assertThatThrownBy(() -> fsStore().pathOf("evil/x.jpg")).isInstanceOf(ObjectStoreException.class);
    }

    @Test
    void objectFileThatIsASymlinkIsNotRead() throws IOException {
        Path outside = Files.createDirectory(tempDir.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createDirectories(root().resolve("req-1"));
        symlink(root().resolve("req-1/t1.jpg"), secret);

        assertThatThrownBy(() -> store().get("req-1/t1.jpg"))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void putOverAnObjectFileThatIsASymlinkReplacesTheLinkNotItsTarget() throws IOException {
        Path outside = Files.createDirectory(tempDir.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createDirectories(root().resolve("req-1"));
        symlink(root().resolve("req-1/t1.jpg"), secret);
        byte[] data = payload(100, 1);

        store().put("req-1/t1.jpg", data, JPEG);

        assertThat(secret).hasContent("secret");
        assertThat(store().get("req-1/t1.jpg")).hasValueSatisfying(read -> assertThat(read).isEqualTo(data));
    }

    @Test
    void symlinkedDirectoryInsideTheRootIsFollowed() throws IOException {
        Path real = Files.createDirectories(root().resolve("real"));
        symlink(root().resolve("alias"), real);
        byte[] data = payload(100, 1);

        store().put("alias/x.jpg", data, JPEG);

        assertThat(real.resolve("x.jpg")).hasBinaryContent(data);
        assertThat(store().get("alias/x.jpg")).hasValueSatisfying(read -> assertThat(read).isEqualTo(data));
    }

    @Test
    void rootThatIsASymlinkToADirectoryWorks() throws IOException {
        Path real = Files.createDirectory(tempDir.resolve("real-root"));
        Path link = symlink(tempDir.resolve("link-root"), real);
        FileSystemObjectStore linked = new FileSystemObjectStore(FileSystemStoreConfig.of(link));
        byte[] data = payload(100, 1);

        linked.put("req-1/x.jpg", data, JPEG);

        assertThat(real.resolve("req-1/x.jpg")).hasBinaryContent(data);
        assertThat(linked.get("req-1/x.jpg")).hasValueSatisfying(read -> assertThat(read).isEqualTo(data));
    }

    // ---------------------------------------------------------------- URLs and config

    @Test
    void urlJoinsABaseWithoutTrailingSlashAndTheKeyWithOneSlash() {
        FileSystemObjectStore cdn = new FileSystemObjectStore(
                new FileSystemStoreConfig(root(), URI.create("https://cdn.example.com/images")));

        assertThat(cdn.url("req-1/t1.jpg")).isEqualTo(URI.create("https://cdn.example.com/images/req-1/t1.jpg"));
    }

    @Test
    void urlJoinsABaseWithTrailingSlashAndTheKeyWithOneSlash() {
        FileSystemObjectStore cdn = new FileSystemObjectStore(
                new FileSystemStoreConfig(root(), URI.create("https://cdn.example.com/images/")));

        assertThat(cdn.url("req-1/t1.jpg")).isEqualTo(URI.create("https://cdn.example.com/images/req-1/t1.jpg"));
    }

    @Test
    void urlJoinsABaseWithoutPathAndTheKeyWithOneSlash() {
        FileSystemObjectStore cdn = new FileSystemObjectStore(
                new FileSystemStoreConfig(root(), URI.create("http://localhost:8080")));

        assertThat(cdn.url("a.jpg")).isEqualTo(URI.create("http://localhost:8080/a.jpg"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/files/", "https://cdn.example.com/a%20b/images", "http://[::1]:9000/x/",
            "https://user@cdn.example.com:443/", "file:///srv/images/", "file:/srv/images", "http://h/a/../files/",
            "http://h//double//", "http://h/./x/", "HTTP://Example.COM/Images/"})
    void urlSpellsTheBaseAndTheKeyExactlyAsJoinedAndParsed(String baseUrl) {
        FileSystemObjectStore cdn = new FileSystemObjectStore(new FileSystemStoreConfig(root(), URI.create(baseUrl)));
        String prefix = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";

        for (String key : List.of("req-1/t1.jpg", "a.jpg", "x/..y/z._-0.webp", "A/B/C/D.PNG")) {
            URI url = cdn.url(key);
            assertThat(url).hasToString(prefix + key).isEqualTo(URI.create(prefix + key));
            assertThat(url.getPath()).isEqualTo(URI.create(prefix + key).getPath());
        }
    }

    @Test
    void defaultUrlIsTheFileUrlOfTheObject() {
        store().put("req-1/t1.jpg", payload(10, 1), JPEG);

        assertThat(Path.of(store().url("req-1/t1.jpg"))).isEqualTo(root().resolve("req-1/t1.jpg"));
    }

    @Test
    void configRefusesARelativeBaseUrl() {
        assertThatThrownBy(() -> new FileSystemStoreConfig(root(), URI.create("images/")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FileSystemStoreConfig.baseUrl");
    }

    @Test
    void configRefusesABaseUrlWithAQuery() {
        assertThatThrownBy(() -> new FileSystemStoreConfig(root(), URI.create("https://cdn.example.com/i?sig=1")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FileSystemStoreConfig.baseUrl");
    }

    @Test
    void configRefusesABaseUrlWithAFragment() {
        assertThatThrownBy(() -> new FileSystemStoreConfig(root(), URI.create("https://cdn.example.com/i#x")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FileSystemStoreConfig.baseUrl");
    }

    @Test
    void configRefusesAnOpaqueBaseUrl() {
        assertThatThrownBy(() -> new FileSystemStoreConfig(root(), URI.create("mailto:images@example.com")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FileSystemStoreConfig.baseUrl");
    }

    @Test
    void configRefusesAMissingRoot() {
        assertThatThrownBy(() -> new FileSystemStoreConfig(null, URI.create("https://cdn.example.com")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FileSystemStoreConfig.root");
    }

    @Test
    void configRefusesAMissingBaseUrl() {
        assertThatThrownBy(() -> new FileSystemStoreConfig(root(), null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FileSystemStoreConfig.baseUrl");
    }

    // ---------------------------------------------------------------- ping

    @Test
    void pingFailsWhenTheRootIsGone() throws IOException {
        Files.delete(root());

        assertThatThrownBy(() -> store().ping())
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining(root().toString());
    }

    @Test
    void pingFailsWhenTheRootIsReplacedByAFile() throws IOException {
        Files.delete(root());
        Files.writeString(root(), "not a directory");

        assertThatThrownBy(() -> store().ping()).isInstanceOf(ObjectStoreException.class);
    }

    @Test
    void pingLeavesNoFileBehind() throws IOException {
        store().ping();

        assertThat(filesUnder(root())).isEmpty();
    }

    // ================================================================ helpers

    private static List<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    private static Path symlink(Path link, Path target) throws IOException {
        try {
            Files.createDirectories(link.getParent());
            return Files.createSymbolicLink(link, target);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "symbolic links not supported here: " + e);
            throw e;
        }
    }
}

package io.imgpipe;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.local.FileSystemObjectStore;
import io.imgpipe.local.FileSystemStoreConfig;
import io.imgpipe.local.InMemoryProductRepository;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the README's first Java example compiling, running, and identical to the README. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    /** The README's example, verbatim between the markers. */
    static void readmeExample(Path csvFile, Path outputDir) throws IOException, InterruptedException {
        // README-BEGIN
        CountDownLatch done = new CountDownLatch(1);
        try (FileSystemObjectStore store = new FileSystemObjectStore(
                     new FileSystemStoreConfig(outputDir, URI.create("https://cdn.example.com/images/")));
             ProcessingEngine engine = ProcessingEngine.builder()
                     .repository(new InMemoryProductRepository())
                     .objectStore(store)
                     .onCompletion(request -> done.countDown())
                     .build()) {
            engine.start();
            String requestId;
            try (InputStream csv = Files.newInputStream(csvFile)) {
                requestId = engine.submit(csv, SubmitOptions.none());
            }
            done.await(1, TimeUnit.MINUTES);
            RequestStatus status = engine.status(requestId).orElseThrow();
            System.out.println(status.status().wireName() + ": " + status.progress());
            try (Writer outputCsv = Files.newBufferedWriter(outputDir.resolve("output.csv"))) {
                engine.outputCsv(requestId, outputCsv);
            }
        }
        // README-END
    }

    /**
     * Images can only be served on loopback here, and the example keeps the default address
     * policy, which refuses loopback: the request ends failed without the image being fetched, and
     * the output CSV is still written.
     */
    @Test
    void theExampleRunsWithThePublicOnlyDefault() throws Exception {
        try (TestHttpServer server = TestHttpServer.start()) {
            server.serve("/shoe.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 1)));
            Path csv = dir.resolve("products.csv");
            Files.writeString(csv, "S. No.,Product Name,Input Image Urls\n1,Shoe,\"" + server.url("/shoe.jpg") + "\"\n");

            Path out = dir.resolve("out");
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            PrintStream standardOut = System.out;
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            try {
                readmeExample(csv, out);
            } finally {
                System.setOut(standardOut);
            }

            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .startsWith("failed: Progress[total=1, pending=0, processing=0, completed=0, failed=1]");
            String outputCsv = Files.readString(out.resolve("output.csv"));
            assertThat(outputCsv).startsWith("S. No.,Product Name,Input Image Urls,Output Image Urls")
                    .contains("Shoe");
            assertThat(server.hits("/shoe.jpg")).isZero();
            try (var files = Files.walk(out)) {
                assertThat(files.filter(f -> f.toString().endsWith(".jpg")).count()).isZero();
            }
        }
    }

    @Test
    void theReadmeShowsExactlyThisExample() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Path readme = Files.exists(root.resolve("README.md")) ? root.resolve("README.md") : root.getParent().resolve("README.md");
        Path source = root.resolve("src/test/java/io/imgpipe/ReadmeExampleTest.java");
        Matcher inSource = Pattern.compile("// README-BEGIN\\n(.*?)\\n\\s*// README-END", Pattern.DOTALL)
                .matcher(Files.readString(source));
        Matcher inReadme = Pattern.compile("(?m)^```java\\n(.*?)^```$", Pattern.DOTALL).matcher(Files.readString(readme));

        assertThat(inSource.find()).isTrue();
        assertThat(inReadme.find()).as("a ```java block in README.md").isTrue();
        assertThat(inReadme.group(1).stripTrailing()).isEqualTo(dedent(inSource.group(1)));
    }

    private static String dedent(String block) {
        return block.lines().map(line -> line.length() >= 8 ? line.substring(8) : line.strip())
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }
}

package io.imgpipe.server;

import static io.imgpipe.server.ApiClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the console's files are served, over plain HTTP: types, caching, and the security policy. */
class ConsoleFilesIT {

    @TempDir
    static Path dataDir;

    private static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start(dataDir);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @CsvSource({
            "/ui/, text/html; charset=utf-8",
            "/ui/index.html, text/html; charset=utf-8",
            "/ui/request.html, text/html; charset=utf-8",
            "/ui/app.css, text/css; charset=utf-8",
            "/ui/console.js, text/javascript; charset=utf-8",
            "/ui/index.js, text/javascript; charset=utf-8",
            "/ui/request.js, text/javascript; charset=utf-8",
            "/ui/icon.svg, image/svg+xml"})
    void servesEachFileWithItsTypeRevalidationAndAPolicyAgainstRemoteScripts(String path, String type) {
        HttpResponse<byte[]> response = server.client().get(path);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").map(value -> value.replace(" ", "")))
                .as("Jetty writes no space before the charset").hasValue(type.replace(" ", ""));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(response.headers().firstValue("ETag").orElse("")).matches("\"[0-9a-f]{32}\"");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
                        "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(text(response)).as("nothing loaded from elsewhere, no inline script")
                .doesNotContainPattern("(src|href)=\"(https?:)?//")
                .doesNotContainPattern("url\\(\\s*['\"]?(https?:)?//")
                .doesNotContainPattern("(import|from)\\s*['\"](https?:)?//")
                .doesNotContain("<script>");
    }

    @Test
    void answersNotModifiedWhileAFileIsUnchanged() throws Exception {
        HttpResponse<byte[]> first = server.client().get("/ui/app.css");
        String etag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        server.client().url("/ui/app.css")).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).hasValue(etag);
    }

    @Test
    void redirectsTheBarePathToTheConsolesDirectory() {
        HttpResponse<byte[]> response = server.client().get("/ui");

        assertThat(response.statusCode()).isEqualTo(301);
        assertThat(server.client().url("/ui").resolve(response.headers().firstValue("Location").orElseThrow()))
                .isEqualTo(URI.create(server.client().url("/ui/").toString()));
    }

    @Test
    void answers404ForAFileThatIsNotPartOfTheConsole() {
        assertThat(server.client().get("/ui/secret.properties").statusCode()).isEqualTo(404);
        assertThat(server.client().get("/ui/..%2Flogback.xml").statusCode()).isIn(400, 404);
        assertThat(server.client().get("/ui/%2e%2e%2fopenapi.json").statusCode()).isIn(400, 404);
    }

    @Test
    void keepsAnsweringTheOriginalRootText() {
        assertThat(text(server.client().get("/"))).isEqualTo("Server is Live!!!");
        assertThat(server.client().get("/openapi.json").headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/json");
    }
}

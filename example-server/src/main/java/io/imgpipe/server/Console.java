package io.imgpipe.server;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web console at {@code /ui/}: plain HTML, CSS and JavaScript from the jar, which call the
 * JSON API with relative URLs (so the console also works under a proxy's path prefix). Every
 * answer carries a {@code Content-Security-Policy} that allows scripts, styles and API calls from
 * this server only; images may come from anywhere, since outputs live in object storage.
 * {@code /ui} redirects to {@code /ui/}. Thread-safe.
 */
final class Console {

    /** Where the console is served. */
    static final String PATH = "/ui";
    /** The policy of every console answer: no script, style or connection to another origin. */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' https: http: data:",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'");

    private static final String INDEX = "index.html";
    private static final Map<String, String> FILES = files();

    private final BundledFiles files = BundledFiles.load("io/imgpipe/server/console/", FILES, Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "Referrer-Policy", "no-referrer"));

    /** {@code GET /ui/}: the request list and the upload form. */
    void index(Context ctx) {
        if (!ctx.path().endsWith("/")) {
            ctx.status(HttpStatus.MOVED_PERMANENTLY).header("Location", "ui/"); // relative: kept under a proxy's prefix
            return;
        }
        files.serve(ctx, INDEX);
    }

    /** {@code GET /ui/{asset}}: a page, script, style sheet or icon of the console. */
    void asset(Context ctx) {
        files.serve(ctx, ctx.pathParam("asset"));
    }

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(INDEX, "text/html; charset=utf-8");
        files.put("request.html", "text/html; charset=utf-8");
        files.put("app.css", "text/css; charset=utf-8");
        files.put("console.js", "text/javascript; charset=utf-8");
        files.put("index.js", "text/javascript; charset=utf-8");
        files.put("request.js", "text/javascript; charset=utf-8");
        files.put("icon.svg", "image/svg+xml");
        return files;
    }
}

package io.imgpipe;

import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs an engine end to end (build, start, upload, process one image and fail another, status,
 * close) without a meter registry. {@link EngineWithoutMicrometerTest} loads it in a class loader
 * that has no Micrometer class.
 */
public final class WithoutMicrometerRun {

    private WithoutMicrometerRun() {
    }

    /**
     * @param dir where the object store writes
     * @return the request's final status and its image counts, for example {@code failed 1/1}
     * @throws Exception if the engine fails
     */
    public static String run(Path dir) throws Exception {
        try (EngineHarness h = new EngineHarness(dir)) {
            h.server.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(96, 64, 1)));
            h.server.serve("/missing.jpg", Reply.status(404));
            ProcessingEngine engine = h.startEngine();
            String requestId = h.submit(engine, h.csv(List.of(List.of("/a.jpg"), List.of("/missing.jpg"))));
            RequestStatus status = h.awaitCompletion(engine, requestId);
            return status.status().wireName() + " " + status.progress().completed() + "/" + status.progress().failed();
        }
    }
}

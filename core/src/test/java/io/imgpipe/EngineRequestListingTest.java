package io.imgpipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.spi.RequestCursor;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcessingEngine#listRequests}: the requests, newest first, a page at a time. */
class EngineRequestListingTest {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private EngineHarness h;
    private final SteppingClock clock = new SteppingClock(START);

    @BeforeEach
    void setUp() {
        h = new EngineHarness(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void listsRequestsNewestFirstWithTheirProductCountsAndProgress() {
        ProcessingEngine engine = apiOnlyEngine();
        String oldest = submitAt(engine, START, 1);
        String middle = submitAt(engine, START.plusSeconds(1), 3);
        String newest = submitAt(engine, START.plusSeconds(2), 2);

        List<RequestSummary> listed = engine.listRequests(10, null);

        assertThat(listed).extracting(RequestSummary::requestId).containsExactly(newest, middle, oldest);
        assertThat(listed).extracting(RequestSummary::productCount).containsExactly(2, 3, 1);
        RequestSummary first = listed.get(0);
        assertThat(first.status()).isEqualTo(Status.PENDING);
        assertThat(first.createdAt()).isEqualTo(START.plusSeconds(2));
        assertThat(first.finishedAt()).isNull();
        assertThat(first.progress()).isEqualTo(new Progress(2, 2, 0, 0, 0));
    }

    @Test
    void pagesThroughEveryRequestOnceWithTheCursorOfTheLastOfEachPage() {
        ProcessingEngine engine = apiOnlyEngine();
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            submitted.add(submitAt(engine, START.plusSeconds(i), 1));
        }
        submitted.add(submitAt(engine, START.plusSeconds(3), 1));
        submitted.add(submitAt(engine, START.plusSeconds(3), 1)); // two at the same instant: ordered by id

        List<String> paged = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        RequestCursor cursor = null;
        List<RequestSummary> page;
        do {
            page = engine.listRequests(2, cursor);
            pageSizes.add(page.size());
            page.forEach(summary -> paged.add(summary.requestId()));
            cursor = page.isEmpty() ? null : page.get(page.size() - 1).cursor();
        } while (!page.isEmpty());

        assertThat(pageSizes).containsExactly(2, 2, 1, 0);
        assertThat(paged).containsExactlyElementsOf(engine.listRequests(10, null).stream()
                .map(RequestSummary::requestId).toList());
        assertThat(paged).containsExactlyInAnyOrderElementsOf(submitted);
        assertThat(paged.subList(2, 5)).containsExactly(submitted.get(2), submitted.get(1), submitted.get(0));
    }

    @Test
    void aCursorStaysValidWhenItsRequestIsDeleted() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(32, 24, 1)));
        ProcessingEngine engine = h.startEngine();
        String older = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        h.awaitCompletion(engine, older);
        String newer = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        h.awaitCompletion(engine, newer);
        List<RequestSummary> firstPage = engine.listRequests(1, null);
        assertThat(firstPage).extracting(RequestSummary::requestId).containsExactly(newer);

        assertThat(engine.delete(newer)).isTrue();

        assertThat(engine.listRequests(1, firstPage.get(0).cursor())).extracting(RequestSummary::requestId)
                .containsExactly(older);
    }

    @Test
    void showsFinishedRequestsWithTheirFinalStatusAndCounts() throws Exception {
        h.server.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(32, 24, 1)));
        h.server.serve("/gone.jpg", Reply.status(404));
        ProcessingEngine engine = h.startEngine();
        String completed = h.submit(engine, h.csv(List.of(List.of("/a.jpg"))));
        h.awaitCompletion(engine, completed);
        String failed = h.submit(engine, h.csv(List.of(List.of("/a.jpg", "/gone.jpg"))));
        h.awaitCompletion(engine, failed);

        List<RequestSummary> listed = engine.listRequests(10, null);

        assertThat(listed).extracting(RequestSummary::requestId).containsExactly(failed, completed);
        assertThat(listed.get(0).status()).isEqualTo(Status.FAILED);
        assertThat(listed.get(0).progress()).isEqualTo(new Progress(2, 0, 0, 1, 1));
        assertThat(listed.get(0).finishedAt()).isNotNull();
        assertThat(listed.get(1).status()).isEqualTo(Status.COMPLETED);
        assertThat(listed.get(1).progress()).isEqualTo(new Progress(1, 0, 0, 1, 0));
        assertThat(listed.get(1).finishedAt()).isAfterOrEqualTo(listed.get(1).createdAt());
    }

    @Test
    void listsNothingWhenNoRequestWasSubmitted() {
        assertThat(apiOnlyEngine().listRequests(20, null)).isEmpty();
    }

    @Test
    void refusesALimitBelowOne() {
        ProcessingEngine engine = apiOnlyEngine();

        assertThatThrownBy(() -> engine.listRequests(0, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
    }

    /** An engine that is never started, as in an API-only process, on the stepping clock. */
    private ProcessingEngine apiOnlyEngine() {
        return h.buildEngine(builder -> builder.clock(clock).fetcher(h.fetcher(EngineHarness.loopbackFetcherConfig())));
    }

    private String submitAt(ProcessingEngine engine, Instant at, int products) {
        clock.set(at);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < products; i++) {
            rows.add(List.of("/p" + i + ".jpg"));
        }
        return h.submit(engine, h.csv(rows));
    }

    /** A clock that stays where a test puts it. */
    private static final class SteppingClock extends Clock {

        private volatile Instant now;

        SteppingClock(Instant start) {
            now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

package io.imgpipe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.SubmitOptions;
import io.imgpipe.local.InMemoryProductRepository;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.ProductRow;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The pending-images count: the SPI's default sums every page of requests (a repository that does
 * not override it, built here as a proxy that leaves only that method to the default), and the
 * count is reused for its interval.
 */
class PendingImagesTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final InMemoryProductRepository repository = new InMemoryProductRepository();
    private final AtomicInteger pageReads = new AtomicInteger();
    private final AtomicLong nanos = new AtomicLong();
    private final PendingImages pending = new PendingImages(defaultCountOver(repository), INTERVAL, nanos::get);
    private final RequestPlanner planner = new RequestPlanner("jpg");

    @Test
    void sumsThePendingImagesOfEveryRequestAcrossPages() {
        for (int i = 0; i < 2 * ProductRepository.PENDING_COUNT_PAGE + 1; i++) {
            store("r" + i, 2);
        }

        assertThat(pending.current()).isEqualTo(2.0 * (2 * ProductRepository.PENDING_COUNT_PAGE + 1));
        assertThat(pageReads).hasValue(3);
    }

    @Test
    void reusesACountForTheIntervalAndCountsAgainAfterIt() {
        store("r1", 3);
        assertThat(pending.current()).isEqualTo(3);

        store("r2", 1);
        nanos.addAndGet(INTERVAL.toNanos() - 1);
        assertThat(pending.current()).isEqualTo(3);
        assertThat(pageReads).hasValue(1);

        nanos.addAndGet(1);
        assertThat(pending.current()).isEqualTo(4);
        assertThat(pageReads).hasValue(2);
    }

    /** {@return a repository that forwards to {@code delegate}, except that its pending count is the SPI's default} */
    private ProductRepository defaultCountOver(ProductRepository delegate) {
        return (ProductRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ProductRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("countPendingImages")) {
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    if (method.getName().equals("listRequests")) {
                        pageReads.incrementAndGet();
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void theInMemoryRepositoryCountsWithoutListing() {
        store("r1", 3);
        store("r2", 2);
        assertThat(repository.countPendingImages()).isEqualTo(5);
    }

    private void store(String requestId, int images) {
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            urls.add(URI.create("http://a.test/" + requestId + "-" + i + ".jpg"));
        }
        repository.create(planner.plan(requestId, List.of(new ProductRow(2, 1, "Shoe", urls)), SubmitOptions.none(),
                NOW));
    }
}

package io.imgpipe.local;

import io.imgpipe.spi.ClaimedTask;
import io.imgpipe.spi.ImageOutput;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints how {@link InMemoryProductRepository} performs with 300,000 tasks: creating them, 8
 * workers claiming and completing all of them, and the cost of a claim when almost every task is
 * finished. Not a test (no assertions on speed); run its {@code main} with the test classpath.
 */
public final class InMemoryProductRepositoryBenchmark {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final int REQUESTS = 60;
    private static final int PRODUCTS_PER_REQUEST = 5_000;
    private static final int TASKS = REQUESTS * PRODUCTS_PER_REQUEST;

    private InMemoryProductRepositoryBenchmark() {
    }

    /** @param args ignored */
    public static void main(String[] args) throws Exception {
        for (int round = 1; round <= 3; round++) {
            System.out.println("round " + round);
            run();
        }
    }

    private static void run() throws Exception {
        try (InMemoryProductRepository repository = new InMemoryProductRepository()) {
            List<NewRequest> requests = new ArrayList<>();
            for (int r = 0; r < REQUESTS; r++) {
                requests.add(request("req-" + r));
            }
            long start = System.nanoTime();
            for (NewRequest request : requests) {
                repository.create(request);
            }
            report("create " + TASKS + " tasks (60 requests)", start, TASKS);

            start = System.nanoTime();
            long processed = drain(repository, 8, 8, TASKS - 1_000);
            report("claim+complete by 8 workers (batch 8)", start, processed);

            start = System.nanoTime();
            int claims = 0;
            List<ClaimedTask> held = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                held.addAll(repository.claim("late", 1, NOW, LEASE));
                claims++;
            }
            report("claim of 1 with " + (TASKS - 1_000) + " of " + TASKS + " tasks finished", start, claims);

            start = System.nanoTime();
            for (int i = 0; i < 1_000; i++) {
                repository.findRequest("req-" + (i % REQUESTS));
            }
            report("findRequest of a 5,000-product request", start, 1_000);

            start = System.nanoTime();
            int[] products = {0};
            repository.forEachProduct("req-0", p -> products[0]++);
            report("forEachProduct of a 5,000-product request", start, products[0]);
            held.forEach(t -> repository.complete(t.lease(), new ImageOutput(URI.create("http://cdn.test/" + t.outputKey()), 100_000, 30_000, 500, 500), NOW));
        }
    }

    private static long drain(InMemoryProductRepository repository, int workers, int batch, long target) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(workers);
        AtomicLong done = new AtomicLong();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String owner = "w" + w;
                futures.add(executor.submit(() -> {
                    while (done.get() < target) {
                        List<ClaimedTask> claimed = repository.claim(owner, batch, NOW, LEASE);
                        if (claimed.isEmpty()) {
                            return;
                        }
                        for (ClaimedTask task : claimed) {
                            repository.complete(task.lease(), new ImageOutput(URI.create("http://cdn.test/" + task.outputKey()), 100_000, 30_000, 500, 500), NOW);
                        }
                        done.addAndGet(claimed.size());
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            executor.shutdownNow();
        }
        // bring the count to exactly target so the next phase sees a known number of open tasks
        long extra = target - done.get();
        while (extra > 0) {
            for (ClaimedTask task : repository.claim("fill", (int) Math.min(extra, 1_000), NOW, LEASE)) {
                repository.complete(task.lease(), new ImageOutput(URI.create("http://cdn.test/" + task.outputKey()), 100_000, 30_000, 500, 500), NOW);
                done.incrementAndGet();
                extra--;
            }
        }
        return done.get();
    }

    private static NewRequest request(String requestId) {
        List<NewProduct> products = new ArrayList<>(PRODUCTS_PER_REQUEST);
        List<NewTask> tasks = new ArrayList<>(PRODUCTS_PER_REQUEST);
        for (int i = 0; i < PRODUCTS_PER_REQUEST; i++) {
            URI url = URI.create("https://img.example.com/" + requestId + "/" + i + ".jpg");
            String taskId = "t" + i;
            tasks.add(new NewTask(taskId, url, requestId + "/" + taskId + ".jpg"));
            products.add(new NewProduct(i, i + 1, "Product " + i, List.of(new NewImage(1, url, taskId))));
        }
        return new NewRequest(requestId, NOW, Map.of(), products, tasks);
    }

    private static void report(String what, long startNanos, long operations) {
        double millis = (System.nanoTime() - startNanos) / 1e6;
        System.out.printf("  %-62s %9.1f ms  %,12.0f ops/s  %8.2f us/op%n", what, millis,
                operations / (millis / 1000), millis * 1000 / Math.max(1, operations));
    }
}

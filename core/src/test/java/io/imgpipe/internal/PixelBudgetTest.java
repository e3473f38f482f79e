package io.imgpipe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PixelBudgetTest {

    @Test
    void refusesANonPositiveCapacity() {
        assertThatThrownBy(() -> new PixelBudget(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anImageLargerThanTheBudgetTakesAllOfIt() throws InterruptedException {
        PixelBudget budget = new PixelBudget(100);
        assertThat(budget.acquire(1_000)).isEqualTo(100);
        assertThat(budget.inUse()).isEqualTo(100);
    }

    @Test
    void aWaiterProceedsOnceEnoughIsReleased() throws Exception {
        PixelBudget budget = new PixelBudget(100);
        long first = budget.acquire(80);
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                budget.acquire(50);
                acquired.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        assertThat(acquired.await(200, TimeUnit.MILLISECONDS)).as("must wait while 80 of 100 are taken").isFalse();
        budget.release(first);
        assertThat(acquired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.inUse()).isEqualTo(50);
        waiter.join();
    }

    @Test
    void concurrentHoldersNeverExceedTheCapacity() throws Exception {
        PixelBudget budget = new PixelBudget(1_000);
        AtomicLong peak = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 400; i++) {
                long pixels = 100 + (i % 7) * 100;
                pool.execute(() -> {
                    try {
                        long taken = budget.acquire(pixels);
                        peak.accumulateAndGet(budget.inUse(), Math::max);
                        Thread.yield();
                        budget.release(taken);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(peak.get()).isLessThanOrEqualTo(1_000).isGreaterThan(0);
        assertThat(budget.inUse()).isZero();
    }
}

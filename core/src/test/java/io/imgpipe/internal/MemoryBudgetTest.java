package io.imgpipe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    @Test
    void refusesANonPositiveCapacity() {
        assertThatThrownBy(() -> new MemoryBudget(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesToWaitForMoreThanTheWholeBudget() {
        MemoryBudget budget = new MemoryBudget(100);

        assertThatThrownBy(() -> budget.acquire(101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("can never fit");
    }

    @Test
    void aWaiterProceedsOnceEnoughIsReleased() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        budget.acquire(80);
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = start(() -> {
            budget.acquire(50);
            acquired.countDown();
        });
        await().until(() -> budget.waiting() == 1);
        assertThat(acquired.getCount()).as("must wait while 80 of 100 are taken").isEqualTo(1);

        budget.release(80);

        assertThat(acquired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.inUse()).isEqualTo(50);
        waiter.join();
    }

    @Test
    void waitersAreServedInArrivalOrderSoALargeOneIsNotOvertaken() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        budget.acquire(60);
        List<String> order = new CopyOnWriteArrayList<>();
        Thread large = start(() -> {
            budget.acquire(95);
            order.add("large"); // while it holds 95, the small one's 10 cannot fit
            budget.release(95);
        });
        await().until(() -> budget.waiting() == 1);
        Thread small = start(() -> {
            budget.acquire(10);
            order.add("small");
            budget.release(10);
        });
        await().until(() -> budget.waiting() == 2);

        assertThat(budget.tryAcquire(10)).as("10 would fit, but others are waiting").isFalse();
        budget.release(60);

        large.join(10_000);
        small.join(10_000);
        assertThat(order).containsExactly("large", "small");
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void aTaskThatHoldsMemoryAndNeedsMoreToFinishGoesBeforeThoseThatHoldNone() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        budget.acquire(70);
        List<String> order = new CopyOnWriteArrayList<>();
        Thread newcomer = start(() -> {
            budget.acquire(40);
            order.add("newcomer");
        });
        await().until(() -> budget.waiting() == 1);
        Thread finisher = start(() -> {
            if (budget.acquireAhead(70, System.nanoTime() + TimeUnit.SECONDS.toNanos(30))) {
                order.add("finisher"); // while it holds 70, the newcomer's 40 cannot fit
                budget.release(70);
            }
        });
        await().until(() -> budget.waiting() == 2);

        budget.release(70);

        finisher.join(10_000);
        newcomer.join(10_000);
        assertThat(order).containsExactly("finisher", "newcomer");
    }

    @Test
    void aWaitGivesUpAtItsDeadlineTakingNothing() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        budget.acquire(100);

        boolean taken = budget.acquire(1, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));

        assertThat(taken).isFalse();
        assertThat(budget.inUse()).isEqualTo(100);
        assertThat(budget.waiting()).isZero();
    }

    @Test
    void anInterruptedWaitTakesNothingAndLetsTheNextWaiterIn() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        budget.acquire(95);
        Thread interrupted = start(() -> budget.acquire(50));
        await().until(() -> budget.waiting() == 1);
        CountDownLatch smallTaken = new CountDownLatch(1);
        Thread next = start(() -> {
            budget.acquire(5);
            smallTaken.countDown();
        });
        await().until(() -> budget.waiting() == 2);

        interrupted.interrupt();

        assertThat(smallTaken.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.inUse()).isEqualTo(100);
        next.join();
        interrupted.join();
    }

    @Test
    void memoryAlreadyAllocatedIsChargedEvenBeyondTheCapacityAndHoldsOthersBack() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);

        budget.force(150);

        assertThat(budget.inUse()).isEqualTo(150);
        assertThat(budget.tryAcquire(1)).isFalse();
        budget.release(150);
        assertThat(budget.tryAcquire(100)).isTrue();
    }

    @Test
    void concurrentHoldersNeverExceedTheCapacity() throws Exception {
        MemoryBudget budget = new MemoryBudget(1_000);
        AtomicLong peak = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 400; i++) {
                long bytes = 100 + (i % 7) * 100;
                pool.execute(() -> {
                    try {
                        budget.acquire(bytes);
                        peak.accumulateAndGet(budget.inUse(), Math::max);
                        Thread.yield();
                        budget.release(bytes);
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

    private interface Body {
        void run() throws InterruptedException;
    }

    private static Thread start(Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}

package io.imgpipe.internal;

import io.imgpipe.RepositoryException;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.ProductRepository;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Reads a request's products in serial-number order on another thread, up to
 * {@code capacity} products ahead of the consumer, so that reading the repository and writing
 * what was read overlap. The consumer takes them with {@link #next()} and must
 * {@link #close()} the read-ahead, which stops the reader if the consumer stopped early. One
 * consumer thread; not reusable.
 */
final class ProductReadAhead implements AutoCloseable {

    private static final Object END = new Object();
    private static final long WAIT_MILLIS = 100;

    private final String requestId;
    private final BlockingQueue<Object> queue;
    private volatile boolean closed;
    private volatile boolean readerDone;
    private volatile Throwable failure;

    private ProductReadAhead(String requestId, int capacity) {
        this.requestId = requestId;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Starts reading on {@code executor}.
     *
     * @return the read-ahead, or {@code null} if the executor refused the task (the caller then
     *     reads on its own thread)
     */
    static ProductReadAhead start(Executor executor, ProductRepository repository, String requestId, int capacity) {
        ProductReadAhead readAhead = new ProductReadAhead(requestId, capacity);
        try {
            executor.execute(() -> readAhead.read(repository));
        } catch (RejectedExecutionException e) {
            return null;
        }
        return readAhead;
    }

    /**
     * {@return the next product, or {@code null} after the last}
     *
     * @throws RuntimeException what the repository threw while reading (a {@code RepositoryException}, usually), or
     *     a {@code RepositoryException} if the reader was interrupted
     * @throws Error an error the repository threw while reading
     * @throws InterruptedException if interrupted while waiting
     */
    ProductRecord next() throws InterruptedException {
        while (true) {
            boolean done = readerDone; // read before polling: all the reader queued is in the queue by then
            Object item = queue.poll(done ? 0 : WAIT_MILLIS, TimeUnit.MILLISECONDS);
            if (item == END) {
                return null;
            }
            if (item != null) {
                return (ProductRecord) item;
            }
            if (done) {
                Throwable cause = failure;
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new RepositoryException("reading the products of request " + requestId
                        + " stopped before the last", cause, true);
            }
        }
    }

    /** Stops the reader (at its next product) if it is still reading, and drops what it read. */
    @Override
    public void close() {
        closed = true;
        queue.clear();
    }

    private void read(ProductRepository repository) {
        try {
            repository.forEachProductBySerialNumber(requestId, this::put);
            put(END);
        } catch (Stopped e) {
            if (!closed) {
                failure = new RepositoryException("reading the products of request " + requestId
                        + " was interrupted (the engine is closing)", null, true);
            }
        } catch (RuntimeException | Error e) {
            failure = e; // handed to the consumer, which rethrows it on its own thread
        } finally {
            readerDone = true;
        }
    }

    private void put(Object item) {
        try {
            while (!queue.offer(item, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    throw new Stopped();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
        if (closed) {
            queue.clear();
            throw new Stopped();
        }
    }

    /** Unwinds the repository's read when the consumer has gone. */
    private static final class Stopped extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }
}

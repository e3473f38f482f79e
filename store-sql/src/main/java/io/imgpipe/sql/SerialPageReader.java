package io.imgpipe.sql;

import io.imgpipe.RepositoryException;
import io.imgpipe.sql.RequestReader.SerialKey;
import io.imgpipe.spi.ProductRecord;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Reads a request's products in serial-number order a page at a time, each page in a transaction
 * of its own. A request of one page is read on the caller's thread. A longer one has its pages
 * read on this repository's page threads, up to {@value #PAGES_AHEAD} ahead of the one the caller
 * is handing over: finding where a page ends is a short walk of the serial-number index, so the
 * pages' bounds are known before their (much longer) reads start, and the reads overlap each other
 * and the caller's work. Thread-safe; {@link #close()} stops the page threads.
 */
final class SerialPageReader implements AutoCloseable {

    /** Pages read ahead of the one being handed over. */
    static final int PAGES_AHEAD = 2;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Database database;
    private final RequestReader reader;
    private final ThreadPoolExecutor pageThreads;

    SerialPageReader(Database database, RequestReader reader) {
        this.database = database;
        this.reader = reader;
        this.pageThreads = new ThreadPoolExecutor(PAGES_AHEAD, PAGES_AHEAD, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "imgpipe-sql-pages-" + THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pageThreads.allowCoreThreadTimeOut(true);
    }

    /**
     * Calls {@code action} with every product of the request, by serial number then row index, on
     * the calling thread.
     *
     * @param what what is being done, for error messages
     * @param requestSeq the request
     * @param action called once per product
     */
    void forEach(String what, long requestSeq, Consumer<ProductRecord> action) {
        Optional<SerialKey> firstEnd = pageEnd(what, requestSeq, SerialKey.FIRST);
        if (firstEnd.isEmpty()) {
            // one page (most requests): read here, without queueing behind other statuses' pages
            database.read(what, connection -> reader.productsBySerial(connection, requestSeq, SerialKey.FIRST, SerialKey.LAST))
                    .forEach(action);
            return;
        }
        Deque<Future<List<ProductRecord>>> pages = new ArrayDeque<>();
        SerialKey after = SerialKey.FIRST;
        Optional<SerialKey> end = firstEnd;
        try {
            while (true) {
                SerialKey from = after;
                SerialKey last = end.orElse(SerialKey.LAST);
                pages.add(submit(what, () -> database.read(what,
                        connection -> reader.productsBySerial(connection, requestSeq, from, last))));
                if (end.isEmpty()) {
                    break;
                }
                after = last;
                if (pages.size() > PAGES_AHEAD) {
                    await(what, pages.poll()).forEach(action);
                }
                end = pageEnd(what, requestSeq, after);
            }
            while (!pages.isEmpty()) {
                await(what, pages.poll()).forEach(action);
            }
        } finally {
            // pages not started yet are dropped; one being read finishes (a page at most) and is
            // discarded, rather than interrupting a JDBC call, which some drivers answer by
            // closing the connection
            pages.forEach(page -> page.cancel(false));
        }
    }

    private Optional<SerialKey> pageEnd(String what, long requestSeq, SerialKey after) {
        return database.read(what, connection -> reader.pageEndBySerial(connection, requestSeq, after));
    }

    /**
     * Stops the page threads: pages not started yet are cancelled, so a caller waiting for one
     * gets a {@link RepositoryException} instead of waiting for ever. Idempotent.
     */
    @Override
    public void close() {
        for (Runnable queued : pageThreads.shutdownNow()) {
            if (queued instanceof Future<?> page) {
                page.cancel(false);
            }
        }
    }

    private Future<List<ProductRecord>> submit(String what, Callable<List<ProductRecord>> read) {
        try {
            return pageThreads.submit(read);
        } catch (RejectedExecutionException e) {
            throw new RepositoryException(what + " failed: the repository is closed", e, false);
        }
    }

    private static List<ProductRecord> await(String what, Future<List<ProductRecord>> page) {
        try {
            return page.get();
        } catch (CancellationException e) {
            throw new RepositoryException(what + " failed: the repository was closed", e, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RepositoryException(what + " was interrupted", e, true);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new RepositoryException(what + " failed: " + e.getCause(), e.getCause(), true);
        }
    }
}

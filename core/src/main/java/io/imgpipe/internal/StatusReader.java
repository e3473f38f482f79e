package io.imgpipe.internal;

import io.imgpipe.ImageStatus;
import io.imgpipe.ProductStatus;
import io.imgpipe.Progress;
import io.imgpipe.RequestStatus;
import io.imgpipe.RequestSummary;
import io.imgpipe.Status;
import io.imgpipe.StatusVisitor;
import io.imgpipe.spi.ImageRecord;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.RequestRecord;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Reads a request's status and writes its output CSV, asking the object store for each output's
 * URL at read time (so presigned URLs are fresh). A streamed status is read by a read-ahead
 * thread (at most {@value #READ_AHEAD_THREADS} at once; beyond that, on the caller's thread) while
 * the caller consumes it. Thread-safe; {@link #close()} stops the read-ahead threads.
 */
public final class StatusReader implements AutoCloseable {

    /** The most statuses read ahead at once. */
    public static final int READ_AHEAD_THREADS = 4;
    /** Products read ahead of the consumer of a streamed status. */
    public static final int READ_AHEAD_PRODUCTS = 2_000;

    /** Header of the output CSV: the input columns plus {@code Output Image Urls}. */
    public static final List<String> OUTPUT_HEADER = List.of("S. No.", "Product Name", "Input Image Urls",
            "Output Image Urls");

    private final ProductRepository repository;
    private final ObjectStore objectStore;
    private final ThreadPoolExecutor readAhead;

    /**
     * Creates a {@code StatusReader}.
     *
     * @param repository where requests are read
     * @param objectStore where output URLs are made
     */
    public StatusReader(ProductRepository repository, ObjectStore objectStore) {
        this.repository = repository;
        this.objectStore = objectStore;
        this.readAhead = new ThreadPoolExecutor(0, READ_AHEAD_THREADS, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                EngineThreads.factory("imgpipe-status"));
    }

    /**
     * {@return the status with products ordered by serial number, or empty if unknown}
     *
     * @param requestId any string
     */
    public Optional<RequestStatus> status(String requestId) {
        Optional<RequestRecord> found = repository.findRequest(requestId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RequestRecord request = found.get();
        List<ProductStatus> products = new ArrayList<>(request.productCount());
        repository.forEachProductBySerialNumber(requestId, product -> products.add(toStatus(product)));
        return Optional.of(new RequestStatus(request.requestId(), request.status(), request.createdAt(),
                request.finishedAt(), request.progress(), request.metadata(), products));
    }

    /**
     * Streams the status to {@code visitor}: the request, then its products by serial number,
     * read ahead on another thread when one is free.
     *
     * @param requestId any string
     * @param visitor receives the request and its products
     * @return {@code false} (and the visitor not called) if the request is unknown
     * @throws IOException what the visitor threw
     */
    public boolean stream(String requestId, StatusVisitor visitor) throws IOException {
        Optional<RequestRecord> found = repository.findRequest(requestId);
        if (found.isEmpty()) {
            return false;
        }
        visitor.request(summary(found.get()));
        ProductReadAhead products = ProductReadAhead.start(readAhead, repository, requestId, READ_AHEAD_PRODUCTS);
        if (products == null) {
            streamOnThisThread(requestId, visitor);
            return true;
        }
        try (products) {
            ProductRecord product;
            while ((product = products.next()) != null) {
                visitor.product(toStatus(product));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the status of request " + requestId);
        }
        return true;
    }

    /**
     * {@return the request without its products, as listings and streamed statuses give it}
     *
     * @param request the request as the repository reports it
     */
    public static RequestSummary summary(RequestRecord request) {
        return new RequestSummary(request.requestId(), request.status(), request.createdAt(), request.finishedAt(),
                request.productCount(), request.progress());
    }

    private void streamOnThisThread(String requestId, StatusVisitor visitor) throws IOException {
        try {
            repository.forEachProductBySerialNumber(requestId, product -> {
                try {
                    visitor.product(toStatus(product));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Stops the read-ahead threads; statuses being streamed fail. Idempotent. */
    @Override
    public void close() {
        readAhead.shutdownNow();
    }

    /**
     * Writes {@link #OUTPUT_HEADER} and one line per product in input order. Output URLs line up
     * with the input URLs; an image without output (not finished, or failed) leaves its place
     * empty.
     *
     * @param requestId any string
     * @param out where to write; not closed
     * @return {@code false} (and nothing written) if the request is unknown
     * @throws IOException if writing fails
     */
    public boolean writeOutputCsv(String requestId, Writer out) throws IOException {
        if (repository.findRequest(requestId).isEmpty()) {
            return false;
        }
        CSVPrinter printer = CSVFormat.RFC4180.builder().setHeader(OUTPUT_HEADER.toArray(String[]::new)).get().print(out);
        try {
            repository.forEachProduct(requestId, product -> printRow(printer, product));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        printer.flush();
        return true;
    }

    private void printRow(CSVPrinter printer, ProductRecord product) {
        String inputs = product.images().stream().map(image -> image.url().toString()).collect(Collectors.joining(","));
        String outputs = product.images().stream().map(image -> {
            URI url = outputUrl(image);
            return url == null ? "" : url.toString();
        }).collect(Collectors.joining(","));
        try {
            printer.printRecord(product.serialNumber(), product.productName(), inputs, outputs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProductStatus toStatus(ProductRecord product) {
        Progress progress = Progress.empty();
        List<ImageStatus> images = new ArrayList<>(product.images().size());
        for (ImageRecord image : product.images()) {
            progress = progress.plus(image.status());
            images.add(new ImageStatus(image.url(), image.status(), outputUrl(image), image.error(), image.attempts(),
                    image.sourceBytes(), image.outputBytes(), image.width(), image.height()));
        }
        return new ProductStatus(product.serialNumber(), product.productName(), Status.of(progress), images);
    }

    private URI outputUrl(ImageRecord image) {
        return image.status() == Status.COMPLETED && image.outputKey() != null ? objectStore.url(image.outputKey()) : null;
    }
}

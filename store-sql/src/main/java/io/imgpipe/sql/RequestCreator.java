package io.imgpipe.sql;

import io.imgpipe.RepositoryException;
import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a new request in one transaction: the request row, its metadata and counts, its tasks
 * (all {@code pending}, claimable from the epoch), products and images. Nothing of it is visible
 * before the commit, and a failure leaves nothing behind.
 */
final class RequestCreator {

    private final Tables tables;
    private final Dialect dialect;
    private final RequestCounts counts;

    RequestCreator(Tables tables, Dialect dialect, RequestCounts counts) {
        this.tables = tables;
        this.dialect = dialect;
        this.counts = counts;
    }

    /**
     * Inserts a request with its products, images and tasks.
     *
     * @throws RepositoryException (not retryable) if a request with the same id exists
     */
    void create(Connection connection, NewRequest request) throws SQLException {
        long seq = insertRequest(connection, request);
        try (MultiRowInsert metadata = new MultiRowInsert(connection, tables.metadata(), "request_seq, name, value")) {
            for (Map.Entry<String, String> entry : request.metadata().entrySet()) {
                metadata.add(seq, entry.getKey(), entry.getValue());
            }
            metadata.flush();
        }
        Map<String, Integer> taskNumbers = new HashMap<>(request.tasks().size() * 2);
        Map<String, String> taskUrls = new HashMap<>(request.tasks().size() * 2);
        for (NewTask task : request.tasks()) {
            taskNumbers.put(task.taskId(), taskNumbers.size());
            taskUrls.put(task.taskId(), task.url().toString());
        }
        int[] imagesPerTask = new int[taskNumbers.size()];
        for (NewProduct product : request.products()) {
            for (NewImage image : product.images()) {
                imagesPerTask[taskNumbers.get(image.taskId())]++;
            }
        }
        try (MultiRowInsert tasks = new MultiRowInsert(connection, tables.tasks(),
                "request_seq, task_no, task_id, url, output_key, image_count, status, available_at")) {
            int taskNo = 0;
            for (NewTask task : request.tasks()) {
                tasks.add(seq, taskNo, task.taskId(), task.url().toString(), task.outputKey(), imagesPerTask[taskNo],
                        "pending", 0L);
                taskNo++;
            }
            tasks.flush();
        }
        try (MultiRowInsert products = new MultiRowInsert(connection, tables.products(),
                "request_seq, row_index, serial_number, name");
             MultiRowInsert images = new MultiRowInsert(connection, tables.images(),
                     "request_seq, row_index, position, task_no, url")) {
            for (NewProduct product : request.products()) {
                products.add(seq, product.rowIndex(), product.serialNumber(), product.productName());
                for (NewImage image : product.images()) {
                    String url = image.url().toString();
                    images.add(seq, product.rowIndex(), image.position(), taskNumbers.get(image.taskId()),
                            url.equals(taskUrls.get(image.taskId())) ? null : url);
                }
            }
            products.flush();
            images.flush();
        }
        counts.create(connection, seq, request.imageCount(), request.tasks().size());
    }

    private long insertRequest(Connection connection, NewRequest request) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM " + tables.requests() + " WHERE id = ?")) {
            exists.setString(1, request.requestId());
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    throw alreadyExists(request, null);
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + tables.requests()
                + " (id, created_at, product_count, image_count, task_count) VALUES (?, ?, ?, ?, ?) RETURNING seq")) {
            insert.setString(1, request.requestId());
            insert.setLong(2, Times.micros(request.createdAt()));
            insert.setInt(3, request.products().size());
            insert.setInt(4, request.imageCount());
            insert.setInt(5, request.tasks().size());
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            if (SqlErrors.isConstraintViolation(e, dialect)) {
                throw alreadyExists(request, e);
            }
            throw e;
        }
    }

    private static RepositoryException alreadyExists(NewRequest request, SQLException cause) {
        return new RepositoryException("request " + request.requestId() + " already exists", cause, false);
    }
}

package io.imgpipe.sql;

import io.imgpipe.Status;
import io.imgpipe.spi.ImageRecord;
import io.imgpipe.spi.ProductRecord;
import io.imgpipe.spi.RequestCursor;
import io.imgpipe.spi.RequestRecord;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads requests and their products. A request is read by its unique id, its metadata by key
 * and its progress from its counts (never by scanning its tasks); products come in pages of
 * {@value #PRODUCTS_PER_PAGE}, in {@code row_index} order or in serial-number order (through
 * {@code imgpipe_products_serial}): one query finds where the page ends, another joins products,
 * images and tasks by primary key over that range, already in order.
 */
final class RequestReader {

    static final int PRODUCTS_PER_PAGE = 1_000;

    private final RequestCounts counts;
    private final String byId;
    private final String newest;
    private final String newestBefore;
    private final String bySeq;
    private final String metadata;
    private final String pageEnd;
    private final String productPage;
    private final String serialPageEnd;
    private final String serialPage;
    private final String finishable;

    RequestReader(Tables tables, Dialect dialect, RequestCounts counts) {
        this.counts = counts;
        String columns = "SELECT seq, id, created_at, finished_at, final_status, product_count FROM " + tables.requests();
        String id = "id" + dialect.byCodePoint();
        this.newest = columns + " ORDER BY created_at DESC, " + id + " DESC LIMIT ?";
        this.newestBefore = columns + " WHERE created_at < ? OR (created_at = ? AND " + id + " < ?)"
                + " ORDER BY created_at DESC, " + id + " DESC LIMIT ?";
        this.byId = columns + " WHERE id = ?";
        this.bySeq = columns + " WHERE seq = ?";
        this.metadata = "SELECT name, value FROM " + tables.metadata() + " WHERE request_seq = ?";
        this.pageEnd = "SELECT row_index FROM " + tables.products() + " WHERE request_seq = ? AND row_index > ?"
                + " ORDER BY row_index LIMIT 1 OFFSET " + (PRODUCTS_PER_PAGE - 1);
        String productColumns = "SELECT p.row_index, p.serial_number, p.name, COALESCE(i.position, -1), COALESCE(i.url, t.url),"
                + " t.task_id, t.status, t.output_key, t.output_url, t.error, t.attempts, t.source_bytes, t.output_bytes,"
                + " t.width, t.height FROM " + tables.products() + " p"
                + " LEFT JOIN " + tables.images() + " i ON i.request_seq = p.request_seq AND i.row_index = p.row_index"
                + " LEFT JOIN " + tables.tasks() + " t ON t.request_seq = i.request_seq AND t.task_no = i.task_no";
        this.productPage = productColumns
                + " WHERE p.request_seq = ? AND p.row_index > ? AND p.row_index <= ? ORDER BY p.row_index, i.position";
        this.serialPageEnd = "SELECT serial_number, row_index FROM " + tables.products()
                + " WHERE request_seq = ? AND (serial_number, row_index) > (?, ?)"
                + " ORDER BY serial_number, row_index LIMIT 1 OFFSET " + (PRODUCTS_PER_PAGE - 1);
        this.serialPage = productColumns + " WHERE p.request_seq = ? AND (p.serial_number, p.row_index) > (?, ?)"
                + " AND (p.serial_number, p.row_index) <= (?, ?) ORDER BY p.serial_number, p.row_index, i.position";
        this.finishable = "SELECT r.id FROM " + tables.requests() + " r WHERE r.finished_at IS NULL AND NOT EXISTS"
                + " (SELECT 1 FROM " + tables.tasks() + " t WHERE t.request_seq = r.seq AND t.available_at IS NOT NULL)"
                + " ORDER BY r.last_served, r.seq LIMIT ?";
    }

    /** The stored columns of a request, before its metadata and counts are read. */
    record RequestRow(long seq, String requestId, long createdAt, Long finishedAt, String finalStatus,
            int productCount) {

        boolean isFinished() {
            return finishedAt != null;
        }
    }

    Optional<RequestRow> row(Connection connection, String requestId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(byId)) {
            select.setString(1, requestId);
            return readRow(select);
        }
    }

    Optional<RequestRow> row(Connection connection, long seq) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(bySeq)) {
            select.setLong(1, seq);
            return readRow(select);
        }
    }

    Optional<RequestRecord> find(Connection connection, String requestId) throws SQLException {
        Optional<RequestRow> row = row(connection, requestId);
        return row.isEmpty() ? Optional.empty() : Optional.of(record(connection, row.get()));
    }

    /** {@return the request as the SPI reports it, with its metadata and progress} */
    RequestRecord record(Connection connection, RequestRow row) throws SQLException {
        Map<String, String> values = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(metadata)) {
            select.setLong(1, row.seq());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    values.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        Counts current = counts.read(connection, row.seq());
        Status status = row.isFinished() ? Status.fromWireName(row.finalStatus()) : Status.of(current.progress());
        return new RequestRecord(row.requestId(), status, Times.instant(row.createdAt()),
                row.isFinished() ? Times.instant(row.finishedAt()) : null, values, row.productCount(),
                current.progress());
    }

    /**
     * {@return the next page of products with their images, in {@code row_index} order}
     *
     * @param afterRowIndex the last row index of the previous page, or -1 for the first page
     */
    List<ProductRecord> productPage(Connection connection, long requestSeq, int afterRowIndex) throws SQLException {
        int lastRowIndex = Integer.MAX_VALUE;
        try (PreparedStatement end = connection.prepareStatement(pageEnd)) {
            end.setLong(1, requestSeq);
            end.setInt(2, afterRowIndex);
            try (ResultSet rows = end.executeQuery()) {
                if (rows.next()) {
                    lastRowIndex = rows.getInt(1);
                }
            }
        }
        try (PreparedStatement select = connection.prepareStatement(productPage)) {
            select.setLong(1, requestSeq);
            select.setInt(2, afterRowIndex);
            select.setInt(3, lastRowIndex);
            return readProducts(select);
        }
    }

    /** {@return the statements of a read in serial-number order: where a page ends, and the page (for query-plan tests)} */
    List<String> serialPageStatements() {
        return List.of(serialPageEnd, serialPage);
    }

    /** Where a page in serial-number order starts (exclusive) or ends (inclusive). */
    record SerialKey(long serialNumber, int rowIndex) {

        /** Before every product. */
        static final SerialKey FIRST = new SerialKey(Long.MIN_VALUE, Integer.MIN_VALUE);
        /** After every product. */
        static final SerialKey LAST = new SerialKey(Long.MAX_VALUE, Integer.MAX_VALUE);

        static SerialKey of(ProductRecord product) {
            return new SerialKey(product.serialNumber(), product.rowIndex());
        }
    }

    /**
     * {@return the key of the last product of the page that starts after {@code after}, in
     *     serial-number order, or empty if fewer than a page's products are left (the page then
     *     runs to the end)}
     */
    Optional<SerialKey> pageEndBySerial(Connection connection, long requestSeq, SerialKey after) throws SQLException {
        try (PreparedStatement end = connection.prepareStatement(serialPageEnd)) {
            end.setLong(1, requestSeq);
            end.setLong(2, after.serialNumber());
            end.setInt(3, after.rowIndex());
            try (ResultSet rows = end.executeQuery()) {
                return rows.next() ? Optional.of(new SerialKey(rows.getLong(1), rows.getInt(2))) : Optional.empty();
            }
        }
    }

    /** {@return the products after {@code after} up to {@code last}, by serial number then row index, with their images} */
    List<ProductRecord> productsBySerial(Connection connection, long requestSeq, SerialKey after, SerialKey last)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(serialPage)) {
            select.setLong(1, requestSeq);
            select.setLong(2, after.serialNumber());
            select.setInt(3, after.rowIndex());
            select.setLong(4, last.serialNumber());
            select.setInt(5, last.rowIndex());
            return readProducts(select);
        }
    }

    /** Groups the joined rows, one per image (one with no image for a product without any), into products. */
    private static List<ProductRecord> readProducts(PreparedStatement select) throws SQLException {
        List<ProductRecord> products = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            UriParser uris = new UriParser();
            int rowIndex = Integer.MIN_VALUE;
            long serial = 0;
            String name = null;
            List<ImageRecord> images = new ArrayList<>();
            while (rows.next()) {
                int nextRow = rows.getInt(1);
                if (nextRow != rowIndex) {
                    if (name != null) {
                        products.add(new ProductRecord(rowIndex, serial, name, images));
                    }
                    rowIndex = nextRow;
                    serial = rows.getLong(2);
                    name = rows.getString(3);
                    images = new ArrayList<>();
                }
                int position = rows.getInt(4);
                if (position >= 0) {
                    images.add(image(rows, position, uris));
                }
            }
            if (name != null) {
                products.add(new ProductRecord(rowIndex, serial, name, images));
            }
        }
        return products;
    }

    /**
     * {@return up to {@code limit} requests newest first ({@code created_at}, then id, descending),
     *     after {@code before} if given; read through {@code imgpipe_requests_created}, each
     *     request's progress from its counts}
     */
    List<RequestRecord> newestFirst(Connection connection, int limit, RequestCursor before) throws SQLException {
        List<RequestRow> found = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(before == null ? newest : newestBefore)) {
            int index = 1;
            if (before != null) {
                long createdAt = Times.micros(before.createdAt());
                select.setLong(index++, createdAt);
                select.setLong(index++, createdAt);
                select.setString(index++, before.requestId());
            }
            select.setInt(index, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(readRow(rows));
                }
            }
        }
        List<RequestRecord> records = new ArrayList<>(found.size());
        for (RequestRow row : found) {
            records.add(record(connection, row));
        }
        return records;
    }

    List<String> findFinishable(Connection connection, int limit) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(finishable)) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    private static ImageRecord image(ResultSet rows, int position, UriParser uris) throws SQLException {
        Status status = Status.fromWireName(rows.getString(7));
        String outputKey = status == Status.COMPLETED ? rows.getString(8) : null;
        String outputUrl = status == Status.COMPLETED ? rows.getString(9) : null;
        String error = status == Status.PENDING || status == Status.FAILED ? rows.getString(10) : null;
        boolean completed = status == Status.COMPLETED;
        return new ImageRecord(position, uris.parse(rows.getString(5)), rows.getString(6), status, outputKey,
                outputUrl == null ? null : uris.parse(outputUrl), error, rows.getInt(11),
                completed ? rows.getLong(12) : 0, completed ? rows.getLong(13) : 0, completed ? rows.getInt(14) : 0,
                completed ? rows.getInt(15) : 0);
    }

    private static Optional<RequestRow> readRow(PreparedStatement select) throws SQLException {
        try (ResultSet rows = select.executeQuery()) {
            return rows.next() ? Optional.of(readRow(rows)) : Optional.empty();
        }
    }

    private static RequestRow readRow(ResultSet rows) throws SQLException {
        long finished = rows.getLong(4);
        Long finishedAt = rows.wasNull() ? null : finished;
        return new RequestRow(rows.getLong(1), rows.getString(2), rows.getLong(3), finishedAt, rows.getString(5),
                rows.getInt(6));
    }
}

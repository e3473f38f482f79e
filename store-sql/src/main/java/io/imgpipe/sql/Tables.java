package io.imgpipe.sql;

import java.util.regex.Pattern;

/**
 * The names of the repository's tables as SQL writes them: qualified by the schema when one is
 * configured (PostgreSQL), else as the connection resolves them.
 */
record Tables(String requests, String metadata, String counts, String products, String images, String tasks,
        String serveOrder) {

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /**
     * {@return the names}
     *
     * @param schema a schema name, or {@code null} for none
     */
    static Tables in(String schema) {
        String prefix = schema == null ? "" : schema + ".";
        return new Tables(prefix + "imgpipe_requests", prefix + "imgpipe_request_metadata",
                prefix + "imgpipe_request_counts", prefix + "imgpipe_products", prefix + "imgpipe_images",
                prefix + "imgpipe_tasks", prefix + "imgpipe_serve_order");
    }

    /**
     * {@return whether the name can be a schema here: lower-case letters, digits and {@code _}, at most 63}
     */
    static boolean isValidSchema(String schema) {
        return SCHEMA.matcher(schema).matches();
    }
}

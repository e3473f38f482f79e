package io.imgpipe.mongo;

/**
 * The {@code _id}s of task and product documents, derived from the request so that lookups by
 * {@code _id} serve the per-request joins.
 */
final class Ids {

    private Ids() {
    }

    /**
     * {@return {@code <requestId>/<taskId>}}
     *
     * @param requestId the request
     * @param taskId a task of it; never contains {@code /}, so the id is unambiguous
     */
    static String task(String requestId, String taskId) {
        return requestId + "/" + taskId;
    }

    /**
     * {@return {@code <requestId>/<ordinal>}}
     *
     * @param requestId the request
     * @param ordinal the product's 0-based place among the request's products in input order
     */
    static String product(String requestId, int ordinal) {
        return requestId + "/" + ordinal;
    }
}

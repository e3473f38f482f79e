package io.imgpipe.sql;

import io.imgpipe.Progress;

/**
 * A request's image counts by status, and how many of its tasks are open (pending or processing)
 * or failed. Also used as a change to add to them.
 */
record Counts(int pending, int processing, int completed, int failed, int openTasks, int failedTasks) {

    static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

    /** A task's images moving from {@code pending} to {@code processing} (a claim). */
    static Counts claimed(int images) {
        return new Counts(-images, images, 0, 0, 0, 0);
    }

    /** A task's images moving from {@code processing} back to {@code pending} (a retry or a release). */
    static Counts requeued(int images) {
        return new Counts(images, -images, 0, 0, 0, 0);
    }

    /** A task completing. */
    static Counts completed(int images) {
        return new Counts(0, -images, images, 0, -1, 0);
    }

    /** A task failing for good. */
    static Counts failed(int images) {
        return new Counts(0, -images, 0, images, -1, 1);
    }

    Counts plus(Counts other) {
        return new Counts(pending + other.pending, processing + other.processing, completed + other.completed,
                failed + other.failed, openTasks + other.openTasks, failedTasks + other.failedTasks);
    }

    Counts minus(Counts other) {
        return new Counts(pending - other.pending, processing - other.processing, completed - other.completed,
                failed - other.failed, openTasks - other.openTasks, failedTasks - other.failedTasks);
    }

    boolean isZero() {
        return equals(NONE);
    }

    Progress progress() {
        return new Progress(pending + processing + completed + failed, pending, processing, completed, failed);
    }
}

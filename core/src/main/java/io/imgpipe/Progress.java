package io.imgpipe;

/**
 * Counts of images by status, for a product or a request.
 *
 * @param total all images
 * @param pending waiting for a worker or for a retry
 * @param processing claimed by a worker
 * @param completed done with an output
 * @param failed done without an output
 */
public record Progress(int total, int pending, int processing, int completed, int failed) {

    /** Checks the counts add up. */
    public Progress {
        if (pending < 0 || processing < 0 || completed < 0 || failed < 0
                || pending + processing + completed + failed != total) {
            throw new IllegalArgumentException("counts do not add up: total=" + total + " pending=" + pending
                    + " processing=" + processing + " completed=" + completed + " failed=" + failed);
        }
    }

    /** {@return counts of zero images} */
    public static Progress empty() {
        return new Progress(0, 0, 0, 0, 0);
    }

    /**
     * {@return these counts with one image of that status added}
     *
     * @param status one more image's status
     */
    public Progress plus(Status status) {
        return new Progress(total + 1,
                pending + (status == Status.PENDING ? 1 : 0),
                processing + (status == Status.PROCESSING ? 1 : 0),
                completed + (status == Status.COMPLETED ? 1 : 0),
                failed + (status == Status.FAILED ? 1 : 0));
    }

    /** {@return {@code true} when every image is completed or failed} */
    public boolean isDone() {
        return pending == 0 && processing == 0;
    }
}

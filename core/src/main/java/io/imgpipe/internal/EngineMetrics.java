package io.imgpipe.internal;

import io.imgpipe.Status;

/**
 * What the engine reports about its work, as events. {@link #NONE} ignores them all; the
 * Micrometer implementation ({@link MicrometerEngineMetrics}) is the only class of the engine
 * that names a Micrometer type, and it is loaded only when a registry is given to the builder, so
 * the engine runs without Micrometer on the class path. Implementations are thread-safe.
 */
public interface EngineMetrics {

    /** Reports nothing. */
    EngineMetrics NONE = new EngineMetrics() { };

    /** A step of a task's pipeline, timed on its own. */
    enum Stage {
        /** Downloading the source. */
        FETCH,
        /** Compressing it (on the CPU executor, queueing excluded). */
        COMPRESS,
        /** Putting the output into the object store. */
        STORE
    }

    /** Which kind of lease was renewed or lost. */
    enum LeaseKind {
        /** A task's lease, held while the task is processed. */
        TASK,
        /** A finished request's notification lease, held while its listeners are called. */
        NOTIFICATION
    }

    /** How one completion listener's call ended. */
    enum ListenerOutcome {
        /** It returned. */
        SUCCESS,
        /** It threw a retryable {@code ImgPipeException}: the request is announced again later. */
        RETRY,
        /** It threw anything else. */
        FAILURE
    }

    /**
     * A stage of one task ended.
     *
     * @param stage the stage
     * @param nanos how long it took
     * @param succeeded whether it ended without an exception
     */
    default void stageTimed(Stage stage, long nanos, boolean succeeded) {
    }

    /**
     * A source was downloaded.
     *
     * @param bytes its size
     */
    default void fetched(long bytes) {
    }

    /**
     * An output was stored.
     *
     * @param bytes its size
     */
    default void stored(long bytes) {
    }

    /** A task's completion was recorded. */
    default void imageCompleted() {
    }

    /**
     * A task's final failure was recorded.
     *
     * @param reason why it failed
     */
    default void imageFailed(FailureReason reason) {
    }

    /**
     * An attempt failed and will be retried.
     *
     * @param reason why it failed
     */
    default void imageRetried(FailureReason reason) {
    }

    /**
     * A lease was renewed.
     *
     * @param kind which kind of lease
     */
    default void leaseRenewed(LeaseKind kind) {
    }

    /**
     * A lease was found taken over by another engine.
     *
     * @param kind which kind of lease
     */
    default void leaseLost(LeaseKind kind) {
    }

    /**
     * This engine finished a request.
     *
     * @param status its final status
     */
    default void requestFinished(Status status) {
    }

    /**
     * A completion listener's call ended.
     *
     * @param outcome how
     */
    default void listenerCalled(ListenerOutcome outcome) {
    }

    /**
     * Reports how many tasks a started engine holds, as a gauge, until {@link #close()}.
     *
     * @param inFlight the tasks it holds
     */
    default void watchInFlight(InFlightTasks inFlight) {
    }

    /** Removes the gauges of this engine from the registry (the engine is closed). */
    default void close() {
    }
}

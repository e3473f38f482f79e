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
     * @param stage the stage
     * @param nanos how long it took
     * @param succeeded whether it ended without an exception
     */
    default void stageTimed(Stage stage, long nanos, boolean succeeded) {
    }

    /** @param bytes the size of a source just downloaded */
    default void fetched(long bytes) {
    }

    /** @param bytes the size of an output just stored */
    default void stored(long bytes) {
    }

    /** A task's completion was recorded. */
    default void imageCompleted() {
    }

    /** @param reason why a task's failure, recorded just now, happened */
    default void imageFailed(FailureReason reason) {
    }

    /** @param reason why an attempt failed that will be retried */
    default void imageRetried(FailureReason reason) {
    }

    /** @param kind the lease renewed */
    default void leaseRenewed(LeaseKind kind) {
    }

    /** @param kind the lease found taken over by another engine */
    default void leaseLost(LeaseKind kind) {
    }

    /** @param status the final status of a request this engine just finished */
    default void requestFinished(Status status) {
    }

    /** @param outcome how a completion listener's call ended */
    default void listenerCalled(ListenerOutcome outcome) {
    }

    /** @param inFlight the tasks a started engine holds, reported as a gauge until {@link #close()} */
    default void watchInFlight(InFlightTasks inFlight) {
    }

    /** Removes the gauges of this engine from the registry (the engine is closed). */
    default void close() {
    }
}

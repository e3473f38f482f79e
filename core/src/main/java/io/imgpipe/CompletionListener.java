package io.imgpipe;

/**
 * Told when a request finishes. Registered with {@link ProcessingEngine.Builder#onCompletion}.
 *
 * <p>A request finishes exactly once across all engines sharing a repository, and the engine
 * that finishes it calls its listeners then, in registration order, on its notification thread
 * (one per engine, so a slow listener delays other notifications but never image processing). If that engine's
 * process dies before the listeners have returned, another engine calls its own listeners for
 * the request after {@link EngineConfig#notificationLease()}: delivery is at least once, and
 * exactly once unless a process dies. An exception thrown by a listener is logged and does not
 * affect the request or other listeners. To ask for redelivery, throw an {@link ImgPipeException}
 * whose {@link ImgPipeException#retryable()} is true: the notification then stays open and every
 * listener is called again, by any engine, after the notification lease. The same happens when
 * the engine shuts down while a listener runs (its thread is interrupted after
 * {@link EngineConfig#shutdownTimeout()}).
 */
@FunctionalInterface
public interface CompletionListener {

    /**
     * Called once when a request has finished.
     *
     * @param request the request that finished
     */
    void onCompletion(CompletedRequest request);
}

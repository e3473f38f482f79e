/**
 * The engine's moving parts: request planning, the claim loop, the task pipeline, leases,
 * retries, the memory budget and completion notification.
 *
 * <p><b>Not public API.</b> Classes here are public only so that {@link io.imgpipe.ProcessingEngine}
 * can use them across packages; they may change in any release without notice.
 */
package io.imgpipe.internal;

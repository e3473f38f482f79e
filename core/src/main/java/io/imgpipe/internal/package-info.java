/**
 * The engine's moving parts: request planning, the claim loop, the task pipeline, leases,
 * retries, the memory budget, metrics and completion notification.
 *
 * <p><b>Not public API.</b> Classes here are public only so that other core packages can use
 * them; they may change in any release without notice.
 */
package io.imgpipe.internal;

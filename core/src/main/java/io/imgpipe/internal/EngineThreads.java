package io.imgpipe.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the engine's threads ({@code imgpipe-io-3}) and makes them daemons. */
public final class EngineThreads {

    private EngineThreads() {
    }

    /**
     * {@return a factory of daemon threads named {@code prefix-N}}
     *
     * @param prefix the thread name prefix
     */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

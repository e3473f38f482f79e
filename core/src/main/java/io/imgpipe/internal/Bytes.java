package io.imgpipe.internal;

import java.util.Locale;

/** Byte counts for people: {@code 187.0 MiB (196,000,000 bytes)}. */
final class Bytes {

    private Bytes() {
    }

    /**
     * {@return it in MiB and in bytes}
     *
     * @param bytes a count
     */
    static String describe(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB (%,d bytes)", bytes / 1048576.0, bytes);
    }

    /**
     * {@return it with thousands separated: {@code 196,000,000}}
     *
     * @param bytes a count
     */
    static String count(long bytes) {
        return String.format(Locale.ROOT, "%,d", bytes);
    }
}

package io.imgpipe.internal;

import java.util.Locale;

/** Byte counts for people: {@code 187.0 MiB (196,000,000 bytes)}. */
final class Bytes {

    private Bytes() {
    }

    /** @param bytes a count @return it in MiB and in bytes */
    static String describe(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB (%,d bytes)", bytes / 1048576.0, bytes);
    }

    /** @param bytes a count @return it with thousands separated: {@code 196,000,000} */
    static String count(long bytes) {
        return String.format(Locale.ROOT, "%,d", bytes);
    }
}

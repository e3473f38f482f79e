package io.imgpipe.sql;

import java.time.Instant;

/** Instants as the tables store them: microseconds since the epoch (finer parts are dropped). */
final class Times {

    private Times() {
    }

    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** {@return the instant, or {@code null} for SQL {@code NULL} (read with {@code getObject})} */
    static Instant instantOrNull(Object micros) {
        return micros == null ? null : instant(((Number) micros).longValue());
    }
}

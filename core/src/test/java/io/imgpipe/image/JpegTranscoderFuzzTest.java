package io.imgpipe.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the default compressor with mutated JPEGs ({@link JpegMutator}, seeds from
 * {@link JpegFuzzing}) for a bounded time, 45 seconds unless {@code -Dfuzz.seconds} says otherwise:
 * every input must give an output or a {@link io.imgpipe.CompressionException}, never another
 * exception or error, and none may take long. {@link JpegFuzz} is the same run from a main, for
 * long runs.
 */
class JpegTranscoderFuzzTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void mutatedJpegsGiveAnOutputOrACompressionExceptionAndNothingElse() {
        long seconds = Long.getLong("fuzz.seconds", 45);
        long seed = Long.getLong("fuzz.seed", 20261203L);
        JpegFuzzing fuzzing = JpegFuzzing.withDefaultSeeds();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);

        JpegFuzzing.Tally tally = fuzzing.run(seed, () -> System.nanoTime() < deadline);

        System.out.println("JpegTranscoderFuzzTest (seed " + seed + ", " + fuzzing.seedCount() + " seeds): " + tally);
        assertThat(tally.unexpected).as(tally.firstUnexpected == null ? "" : tally.firstUnexpected).isEmpty();
        assertThat(tally.inputs).isPositive();
        assertThat(tally.maxNanos).as("slowest input, ns").isLessThan(TimeUnit.SECONDS.toNanos(10));
    }
}

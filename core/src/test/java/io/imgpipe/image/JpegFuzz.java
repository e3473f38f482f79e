package io.imgpipe.image;

import java.util.Locale;

/**
 * The long fuzz run: {@link JpegFuzzing} over a given number of inputs, printing the tally every
 * 100,000 inputs and at the end. A program, not a test. Run from the repository root:
 * <pre>
 * mvn -B -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *   &amp;&amp; java -cp core/target/test-classes:core/target/classes:$(cat core/target/cp.txt) \
 *      io.imgpipe.image.JpegFuzz [inputs [seed]]
 * </pre>
 * Exits with status 1 if anything other than an output or a {@code CompressionException} came out.
 */
public final class JpegFuzz {

    private JpegFuzz() {
    }

    /** @param args number of inputs (default 1,000,000), random seed (default 1) */
    public static void main(String[] args) {
        long inputs = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
        JpegFuzzing fuzzing = JpegFuzzing.withDefaultSeeds();
        System.out.printf(Locale.ROOT, "fuzzing %d inputs from %d seeds, random seed %d, java %s%n", inputs,
                fuzzing.seedCount(), seed, System.getProperty("java.version"));
        long start = System.nanoTime();
        long[] done = {0};
        JpegFuzzing.Tally tally = fuzzing.run(seed, () -> {
            if (done[0] > 0 && done[0] % 100_000 == 0) {
                System.out.printf(Locale.ROOT, "  %,d inputs after %.0f s%n", done[0], (System.nanoTime() - start) / 1e9);
            }
            return done[0]++ < inputs;
        });
        System.out.printf(Locale.ROOT, "%s%nin %.0f s%n", tally, (System.nanoTime() - start) / 1e9);
        if (tally.firstUnexpected != null) {
            System.out.println("first unexpected: " + tally.firstUnexpected);
            System.exit(1);
        }
    }
}

package io.imgpipe.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook deliveries: {@code sha256=} followed by the lower-case hex HMAC-SHA256, keyed
 * with the UTF-8 bytes of {@code WEBHOOK_SECRET}, of the ASCII timestamp (Unix seconds, as sent
 * in {@code X-Imgpipe-Timestamp}), a {@code .}, and the raw body bytes. A receiver recomputes it
 * over the body exactly as received, compares in constant time, and refuses timestamps too far
 * from its clock (for example 5 minutes) so a captured delivery cannot be replayed later.
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookSigner {

    /** The header carrying the signature. */
    public static final String SIGNATURE_HEADER = "X-Imgpipe-Signature";
    /** The header carrying the timestamp that was signed. */
    public static final String TIMESTAMP_HEADER = "X-Imgpipe-Timestamp";
    /** How far from the receiver's clock {@link #verify(long, byte[], String)} accepts a timestamp. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    /** @param secret the shared secret */
    public WebhookSigner(String secret) {
        Objects.requireNonNull(secret, "secret");
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /**
     * @param timestamp Unix seconds
     * @param body the exact body bytes sent
     * @return {@code sha256=<hex>}
     */
    public String sign(long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256, which every Java platform must provide", e);
        }
    }

    /**
     * Checks a received delivery the way a receiver should: the signature matches and the
     * timestamp is within {@link #DEFAULT_TOLERANCE} of this machine's clock, so a captured
     * delivery cannot be replayed later.
     *
     * @param timestamp the received {@code X-Imgpipe-Timestamp}
     * @param body the received body, exactly as received
     * @param signature the received {@code X-Imgpipe-Signature}
     * @return {@code true} if the delivery is authentic and fresh
     */
    public boolean verify(long timestamp, byte[] body, String signature) {
        return verify(timestamp, body, signature, Instant.now(), DEFAULT_TOLERANCE);
    }

    /**
     * @param timestamp the received {@code X-Imgpipe-Timestamp}
     * @param body the received body, exactly as received
     * @param signature the received {@code X-Imgpipe-Signature}
     * @param now the receiver's current time
     * @param tolerance how far the timestamp may be from {@code now}, either way
     * @return {@code true} if the timestamp is within the tolerance and the signature matches,
     *     compared in constant time
     */
    public boolean verify(long timestamp, byte[] body, String signature, Instant now, Duration tolerance) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(tolerance, "tolerance");
        if (signature == null || !within(timestamp, now.getEpochSecond(), tolerance.toSeconds())) {
            return false;
        }
        return MessageDigest.isEqual(sign(timestamp, body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean within(long timestamp, long now, long toleranceSeconds) {
        try {
            long skew = Math.subtractExact(now, timestamp);
            return skew != Long.MIN_VALUE && Math.abs(skew) <= toleranceSeconds;
        } catch (ArithmeticException e) {
            return false;
        }
    }
}

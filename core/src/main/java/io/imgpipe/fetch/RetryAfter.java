package io.imgpipe.fetch;

import java.time.Duration;
import java.time.Instant;
import org.apache.hc.client5.http.utils.DateUtils;

/**
 * Parses an HTTP {@code Retry-After} header (RFC 9110, section 10.2.3), for the fetcher and for
 * other HTTP clients of a host that honour it the same way (the example server's webhooks).
 * Stateless.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * {@return the delay, zero for a date in the past, or {@code null} if absent or unparseable}
     *
     * @param value the header value: delta-seconds or an HTTP-date; may be {@code null}
     * @param now the current time, for HTTP-dates
     */
    public static Duration parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Duration.ofSeconds(Long.parseLong(trimmed));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        Instant date = DateUtils.parseStandardDate(trimmed);
        if (date == null) {
            return null;
        }
        Duration delay = Duration.between(now, date);
        return delay.isNegative() ? Duration.ZERO : delay;
    }
}

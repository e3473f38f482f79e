package io.imgpipe.fetch;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses URL hosts written as numbers in any form other than plain dotted-decimal IPv4.
 *
 * <p>Programs disagree about such hosts: Java reads {@code 0177.0.0.1} as 177.0.0.1, browsers
 * and curl read it as octal, 127.0.0.1; {@code 127.1}, {@code 2130706433} and {@code 0x7f.1}
 * are 127.0.0.1 to some programs and invalid or a host name to others. An address policy is only
 * as good as the agreement about which address a URL names, so these forms are refused. The rule
 * is the URL standard's: a host whose last label (after an optional final dot) is a decimal number,
 * or {@code 0x} and hex digits, is a number, and is accepted only as exactly four decimal parts from
 * 0 to 255 without leading zeros and without a final dot. Host names ({@code 123.example.com}) and
 * IPv6 literals ({@code [::1]}) are not affected. The CSV ingestor, the fetcher (on every redirect)
 * and hosts that take URLs from users (the example server's webhook URLs) apply the same rule.
 * Stateless and thread-safe.
 */
public final class NumericHosts {

    private static final String ADVICE = "; write an IPv4 address as four decimal numbers from 0 to 255 without"
            + " leading zeros, such as 192.0.2.7";

    private NumericHosts() {
    }

    /**
     * {@return why its host is an ambiguous numeric form, or empty if it is not one (a host name,
     *     an IPv6 literal, plain dotted-decimal IPv4, or no authority at all)}
     *
     * @param url a URL with an authority
     */
    public static Optional<String> problem(URI url) {
        String host = hostOf(url.getRawAuthority());
        return host == null ? Optional.empty() : problem(host);
    }

    /**
     * {@return why it is an ambiguous numeric form, or empty if it is not one}
     *
     * @param host a host as written in a URL, without user-info or port
     */
    public static Optional<String> problem(String host) {
        if (host.isEmpty() || host.startsWith("[")) {
            return Optional.empty();
        }
        String lower = host.toLowerCase(Locale.ROOT);
        boolean finalDot = lower.endsWith(".");
        String body = finalDot ? lower.substring(0, lower.length() - 1) : lower;
        String[] labels = body.split("\\.", -1);
        if (!isNumber(labels[labels.length - 1])) {
            return Optional.empty();
        }
        String reason = reason(labels, finalDot);
        return reason == null ? Optional.empty()
                : Optional.of("host '" + host + "' is an ambiguous numeric address: " + reason + ADVICE);
    }

    /** {@return why the numeric host is ambiguous, or {@code null} if it is plain dotted-decimal IPv4} */
    private static String reason(String[] labels, boolean finalDot) {
        for (String label : labels) {
            if (!isNumber(label)) {
                return "it ends in a number, so browsers take it for an IPv4 address, but '" + label + "' is not a number";
            }
        }
        for (String label : labels) {
            if (label.startsWith("0x")) {
                return "'" + label + "' is hexadecimal to some programs";
            }
        }
        for (String label : labels) {
            if (label.length() > 1 && label.startsWith("0") && isDecimal(label)) {
                return "'" + label + "' has a leading zero, so it is octal to some programs and decimal to others";
            }
        }
        if (labels.length != 4) {
            return "it has " + labels.length + (labels.length == 1 ? " part" : " parts")
                    + " instead of four, which some programs expand into an address and others do not";
        }
        for (String label : labels) {
            if (label.length() > 3 || Integer.parseInt(label) > 255) {
                return "'" + label + "' is not a number from 0 to 255";
            }
        }
        if (finalDot) {
            return "it ends with a dot, which some programs read as a host name";
        }
        return null;
    }

    /** {@return the host part of a raw authority (user-info and port removed), or {@code null} without one} */
    private static String hostOf(String authority) {
        if (authority == null) {
            return null;
        }
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            return close < 0 ? hostAndPort : hostAndPort.substring(0, close + 1);
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    /**
     * {@return whether the URL standard's IPv4 parser takes the label for a number (decimal, or 0x and hex)}
     */
    private static boolean isNumber(String label) {
        if (label.startsWith("0x")) {
            return label.chars().skip(2).allMatch(c -> Character.digit(c, 16) >= 0);
        }
        return isDecimal(label);
    }

    private static boolean isDecimal(String label) {
        return !label.isEmpty() && label.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}

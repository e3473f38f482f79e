package io.imgpipe.fetch;

import io.imgpipe.ConfigurationException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network written in CIDR notation; immutable. */
final class CidrRange {

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private CidrRange(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = address(network).getHostAddress() + "/" + prefixLength;
    }

    /**
     * {@return the range, host bits cleared}
     *
     * @param cidr {@code address/prefix} or a single address, IP literals only
     * @throws ConfigurationException if the text is not an IP-literal range
     */
    static CidrRange parse(String cidr) {
        if (cidr == null || cidr.isBlank()) {
            throw new ConfigurationException("address range must not be blank");
        }
        String trimmed = cidr.trim();
        int slash = trimmed.indexOf('/');
        String literal = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = parseLiteral(literal, cidr);
        int maxPrefix = bytes.length * 8;
        int prefix = slash < 0 ? maxPrefix : parsePrefix(trimmed.substring(slash + 1), maxPrefix, cidr);
        for (int bit = prefix; bit < maxPrefix; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new CidrRange(bytes, prefix);
    }

    /**
     * {@return whether it is of this range's family and inside it}
     *
     * @param address an address
     */
    boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = (0xff << (8 - remainingBits)) & 0xff;
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    @Override
    public String toString() {
        return text;
    }

    private static byte[] parseLiteral(String literal, String cidr) {
        String unbracketed = literal.startsWith("[") && literal.endsWith("]")
                ? literal.substring(1, literal.length() - 1) : literal;
        if (!IPV4_LITERAL.matcher(unbracketed).matches() && !IPV6_LITERAL.matcher(unbracketed).matches()) {
            throw new ConfigurationException("address range '" + cidr + "' must start with an IPv4 or IPv6 literal");
        }
        try {
            return InetAddress.getByName(unbracketed).getAddress();
        } catch (UnknownHostException e) {
            throw new ConfigurationException("address range '" + cidr + "' has an invalid address", e);
        }
    }

    private static int parsePrefix(String text, int maxPrefix, String cidr) {
        try {
            int prefix = Integer.parseInt(text.trim());
            if (prefix >= 0 && prefix <= maxPrefix) {
                return prefix;
            }
        } catch (NumberFormatException e) {
            throw new ConfigurationException("address range '" + cidr + "' has a prefix length that is not a number", e);
        }
        throw new ConfigurationException("address range '" + cidr + "' needs a prefix length between 0 and " + maxPrefix);
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not 4 or 16 bytes", e);
        }
    }
}

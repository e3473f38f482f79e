package io.imgpipe.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Allows public unicast addresses only; see {@link AddressPolicy#publicOnly()}.
 *
 * <p>IPv4 is checked against a list of special-purpose ranges (IANA's registry). IPv6 is
 * allowed only inside global unicast {@code 2000::/3}, minus documentation ({@code 2001:db8::/32},
 * {@code 3fff::/20}), the IETF protocol assignments block {@code 2001::/23} (Teredo, benchmarking,
 * ORCHID), and 6to4 addresses whose embedded IPv4 address is refused. IPv4-mapped
 * ({@code ::ffff:a.b.c.d}) and NAT64 ({@code 64:ff9b::a.b.c.d}) addresses are judged by the IPv4
 * address they carry; the deprecated IPv4-compatible form ({@code ::a.b.c.d}) is always refused.
 */
enum PublicAddressPolicy implements AddressPolicy {
    INSTANCE;

    /** {network, prefix length} pairs of IPv4 ranges that are never public. */
    private static final int[][] REFUSED_V4 = {
        {ipv4(0, 0, 0, 0), 8},        // "this network", includes 0.0.0.0
        {ipv4(10, 0, 0, 0), 8},       // private
        {ipv4(100, 64, 0, 0), 10},    // carrier-grade NAT
        {ipv4(127, 0, 0, 0), 8},      // loopback
        {ipv4(169, 254, 0, 0), 16},   // link-local, cloud metadata
        {ipv4(172, 16, 0, 0), 12},    // private
        {ipv4(192, 0, 0, 0), 24},     // IETF protocol assignments
        {ipv4(192, 0, 2, 0), 24},     // documentation
        {ipv4(192, 88, 99, 0), 24},   // 6to4 relay anycast
        {ipv4(192, 168, 0, 0), 16},   // private
        {ipv4(198, 18, 0, 0), 15},    // benchmarking
        {ipv4(198, 51, 100, 0), 24},  // documentation
        {ipv4(203, 0, 113, 0), 24},   // documentation
        {ipv4(224, 0, 0, 0), 4},      // multicast
        {ipv4(240, 0, 0, 0), 4},      // reserved, includes 255.255.255.255
    };

    @Override
    public boolean allows(InetAddress address) {
        if (address instanceof Inet4Address) {
            return allowsV4(toInt(address.getAddress(), 0));
        }
        if (address instanceof Inet6Address) {
            return allowsV6(address.getAddress());
        }
        return false;
    }

    @Override
    public String describe() {
        return "public addresses only (private networks not allowed)";
    }

    private static boolean allowsV4(int address) {
        for (int[] range : REFUSED_V4) {
            int mask = range[1] == 0 ? 0 : -1 << (32 - range[1]);
            if ((address & mask) == (range[0] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allowsV6(byte[] a) {
        if (isZero(a, 0, 10) && isFF(a, 10, 2)) {
            return allowsV4(toInt(a, 12));                  // ::ffff:a.b.c.d, IPv4-mapped
        }
        if (prefix(a, 0x0064, 0xff9b) && isZero(a, 4, 8)) {
            return allowsV4(toInt(a, 12));                  // 64:ff9b::/96, NAT64
        }
        if ((a[0] & 0xe0) != 0x20) {
            return false;                                   // outside 2000::/3: ::, ::1, IPv4-compatible, ULA, link-local, multicast
        }
        if (prefix(a, 0x2001, 0x0db8) || (first16(a) == 0x3fff && (a[2] & 0xf0) == 0)) {
            return false;                                   // documentation 2001:db8::/32, 3fff::/20
        }
        if (first16(a) == 0x2001 && (a[2] & 0xfe) == 0) {
            return false;                                   // 2001::/23, IETF protocol assignments (Teredo 2001::/32 included)
        }
        if (first16(a) == 0x2002) {
            return allowsV4(toInt(a, 2));                   // 2002::/16, 6to4
        }
        return true;
    }

    private static int first16(byte[] a) {
        return (a[0] & 0xff) << 8 | (a[1] & 0xff);
    }

    private static boolean prefix(byte[] a, int first, int second) {
        return ((a[0] & 0xff) << 8 | (a[1] & 0xff)) == first && ((a[2] & 0xff) << 8 | (a[3] & 0xff)) == second;
    }

    private static boolean isZero(byte[] a, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFF(byte[] a, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (a[i] != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }

    private static int toInt(byte[] a, int offset) {
        return (a[offset] & 0xff) << 24 | (a[offset + 1] & 0xff) << 16 | (a[offset + 2] & 0xff) << 8 | (a[offset + 3] & 0xff);
    }

    private static int ipv4(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }
}

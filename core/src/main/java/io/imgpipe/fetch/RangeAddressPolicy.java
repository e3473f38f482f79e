package io.imgpipe.fetch;

import io.imgpipe.ConfigurationException;
import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;

/** Allows addresses inside a fixed list of CIDR ranges; see {@link AddressPolicy#ranges(String...)}. */
final class RangeAddressPolicy implements AddressPolicy {

    private final List<CidrRange> ranges;

    private RangeAddressPolicy(List<CidrRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    static RangeAddressPolicy parse(List<String> cidrs) {
        if (cidrs.isEmpty()) {
            throw new ConfigurationException("AddressPolicy.ranges needs at least one address range");
        }
        return new RangeAddressPolicy(cidrs.stream().map(CidrRange::parse).collect(Collectors.toList()));
    }

    @Override
    public boolean allows(InetAddress address) {
        for (CidrRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String describe() {
        return "addresses in " + ranges;
    }

    @Override
    public String toString() {
        return describe();
    }
}

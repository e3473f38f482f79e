package io.imgpipe.fetch;

import java.net.InetAddress;
import java.util.Objects;

/** Allows what either of two policies allows; see {@link AddressPolicy#or(AddressPolicy)}. */
record EitherAddressPolicy(AddressPolicy first, AddressPolicy second) implements AddressPolicy {

    EitherAddressPolicy {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
    }

    @Override
    public boolean allows(InetAddress address) {
        return first.allows(address) || second.allows(address);
    }

    @Override
    public String describe() {
        return first.describe() + ", or " + second.describe();
    }
}

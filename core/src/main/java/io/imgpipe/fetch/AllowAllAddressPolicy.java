package io.imgpipe.fetch;

import java.net.InetAddress;

/** Allows every address; see {@link AddressPolicy#allowAll()}. */
enum AllowAllAddressPolicy implements AddressPolicy {
    INSTANCE;

    @Override
    public boolean allows(InetAddress address) {
        return true;
    }

    @Override
    public String describe() {
        return "all addresses allowed";
    }
}

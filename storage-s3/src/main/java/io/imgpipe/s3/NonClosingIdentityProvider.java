package io.imgpipe.s3;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;

/**
 * Hands a credentials provider to an SDK client or presigner without handing over its lifetime:
 * SDK clients and presigners close the provider they were built with, and the store must not
 * close a provider it was given or one that belongs to a client it was given.
 *
 * @param <T> the identity type
 */
final class NonClosingIdentityProvider<T extends AwsCredentialsIdentity> implements IdentityProvider<T> {

    private final IdentityProvider<T> delegate;

    private NonClosingIdentityProvider(IdentityProvider<T> delegate) {
        this.delegate = delegate;
    }

    /**
     * {@return a provider that resolves through {@code delegate} and is not closeable}
     *
     * @param delegate the provider to share
     */
    static <T extends AwsCredentialsIdentity> IdentityProvider<T> wrap(IdentityProvider<T> delegate) {
        return new NonClosingIdentityProvider<>(delegate);
    }

    @Override
    public Class<T> identityType() {
        return delegate.identityType();
    }

    @Override
    public CompletableFuture<? extends T> resolveIdentity(ResolveIdentityRequest request) {
        return delegate.resolveIdentity(request);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}

package io.imgpipe;

/**
 * Whether the engine's repository and object store are reachable, as checked by
 * {@link ProcessingEngine#health()}.
 *
 * @param repositoryUp the repository answered
 * @param repositoryError why not, or {@code null}
 * @param objectStoreUp the object store answered
 * @param objectStoreError why not, or {@code null}
 */
public record Health(boolean repositoryUp, String repositoryError, boolean objectStoreUp, String objectStoreError) {

    /** {@return {@code true} if both are up} */
    public boolean isUp() {
        return repositoryUp && objectStoreUp;
    }
}

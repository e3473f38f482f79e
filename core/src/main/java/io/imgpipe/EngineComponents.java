package io.imgpipe;

import io.imgpipe.csv.CommonsCsvIngestor;
import io.imgpipe.fetch.HttpImageFetcher;
import io.imgpipe.image.ThumbnailatorCompressor;
import io.imgpipe.internal.ComponentResolver;
import io.imgpipe.internal.ComponentResolver.Resolved;
import io.imgpipe.spi.CsvIngestor;
import io.imgpipe.spi.CsvIngestorProvider;
import io.imgpipe.spi.ImageCompressor;
import io.imgpipe.spi.ImageCompressorProvider;
import io.imgpipe.spi.ImageFetcher;
import io.imgpipe.spi.ImageFetcherProvider;
import io.imgpipe.spi.ObjectStore;
import io.imgpipe.spi.ObjectStoreProvider;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.ProductRepositoryProvider;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The five components an engine runs with, resolved from a builder's slots in the documented
 * order, and the ones among them the engine created (and so closes).
 */
final class EngineComponents {

    private static final Logger log = LoggerFactory.getLogger(EngineComponents.class);

    final CsvIngestor csvIngestor;
    final ImageFetcher fetcher;
    final ImageCompressor compressor;
    final ObjectStore objectStore;
    final ProductRepository repository;
    private final List<AutoCloseable> owned;

    private EngineComponents(List<AutoCloseable> owned, CsvIngestor csvIngestor, ImageFetcher fetcher,
            ImageCompressor compressor, ObjectStore objectStore, ProductRepository repository) {
        this.owned = List.copyOf(owned);
        this.csvIngestor = csvIngestor;
        this.fetcher = fetcher;
        this.compressor = compressor;
        this.objectStore = objectStore;
        this.repository = repository;
    }

    /**
     * Resolves every slot; if one fails, closes what was created for the others.
     *
     * @throws ConfigurationException if a slot cannot be resolved
     */
    static EngineComponents resolve(ComponentResolver resolver, ComponentSlot<ProductRepository> repository,
            ComponentSlot<ObjectStore> objectStore, ComponentSlot<CsvIngestor> csvIngestor,
            ComponentSlot<ImageFetcher> fetcher, ComponentSlot<ImageCompressor> compressor) {
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Resolved<ProductRepository> repo = resolver.resolve("repository", ProductRepository.class,
                    ProductRepositoryProvider.class, repository.instance(), repository.name(), null,
                    "pass one with .repository(new InMemoryProductRepository()) or .repository(\"mongo\")"
                            + " (add imgpipe-store-mongo), or call .discover()");
            track(repo, owned);
            Resolved<ObjectStore> store = resolver.resolve("objectStore", ObjectStore.class,
                    ObjectStoreProvider.class, objectStore.instance(), objectStore.name(), null,
                    "pass one with .objectStore(new FileSystemObjectStore(...)) or .objectStore(\"s3\")"
                            + " (add imgpipe-storage-s3), or call .discover()");
            track(store, owned);
            Resolved<CsvIngestor> csv = resolver.resolve("csvIngestor", CsvIngestor.class, CsvIngestorProvider.class,
                    csvIngestor.instance(), csvIngestor.name(), CommonsCsvIngestor::new, "");
            track(csv, owned);
            Resolved<ImageFetcher> fetch = resolver.resolve("fetcher", ImageFetcher.class, ImageFetcherProvider.class,
                    fetcher.instance(), fetcher.name(), HttpImageFetcher::new, "");
            track(fetch, owned);
            Resolved<ImageCompressor> compress = resolver.resolve("compressor", ImageCompressor.class,
                    ImageCompressorProvider.class, compressor.instance(), compressor.name(), ThumbnailatorCompressor::new,
                    "");
            track(compress, owned);
            return new EngineComponents(owned, csv.component(), fetch.component(), compress.component(),
                    store.component(), repo.component());
        } catch (RuntimeException e) {
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static void track(Resolved<?> resolved, List<AutoCloseable> owned) {
        if (resolved.created() && resolved.component() instanceof AutoCloseable) {
            owned.add((AutoCloseable) resolved.component());
        }
    }

    /** Closes the components the engine created, last created first; failures are logged. */
    void closeOwned() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                log.warn("closing {} failed", owned.get(i), e);
            }
        }
    }
}

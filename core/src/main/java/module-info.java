/**
 * imgpipe core: the processing engine and its SPI, CSV ingestion, safe image fetching, JPEG
 * compression, and the embedded in-memory repository and file-system object store.
 *
 * <p>{@code io.imgpipe.internal} is not exported: it is the engine's wiring, not API. Each slot's
 * providers are found by {@link java.util.ServiceLoader} when the builder is not given a
 * component; core provides one for every slot.
 */
module io.imgpipe.core {
    requires java.desktop;
    requires java.management;
    requires org.slf4j;
    requires org.apache.commons.csv;
    requires org.apache.httpcomponents.client5.httpclient5;
    requires org.apache.httpcomponents.core5.httpcore5;
    // HttpClient 5.6, an automatic module (which declares nothing), uses jdk.net.Sockets for its
    // socket options: without this, the fetcher fails on the module path with NoClassDefFoundError
    requires jdk.net;
    requires net.coobird.thumbnailator;
    requires com.twelvemonkeys.imageio.core;
    // ImageIO plugins, found by ImageIO's own service lookup: required so that they are resolved
    requires com.twelvemonkeys.imageio.jpeg;
    requires com.twelvemonkeys.imageio.webp;
    requires static micrometer.core; // optional: only for ProcessingEngine.Builder.meterRegistry

    exports io.imgpipe;
    exports io.imgpipe.spi;
    exports io.imgpipe.csv;
    exports io.imgpipe.fetch;
    exports io.imgpipe.image;
    exports io.imgpipe.local;

    uses io.imgpipe.spi.ProductRepositoryProvider;
    uses io.imgpipe.spi.ObjectStoreProvider;
    uses io.imgpipe.spi.ImageFetcherProvider;
    uses io.imgpipe.spi.ImageCompressorProvider;
    uses io.imgpipe.spi.CsvIngestorProvider;

    provides io.imgpipe.spi.ProductRepositoryProvider with io.imgpipe.local.InMemoryProductRepositoryProvider;
    provides io.imgpipe.spi.ObjectStoreProvider with io.imgpipe.local.FileSystemObjectStoreProvider;
    provides io.imgpipe.spi.ImageFetcherProvider with io.imgpipe.fetch.HttpImageFetcherProvider;
    provides io.imgpipe.spi.ImageCompressorProvider with io.imgpipe.image.ThumbnailatorCompressorProvider;
    provides io.imgpipe.spi.CsvIngestorProvider with io.imgpipe.csv.CommonsCsvIngestorProvider;
}

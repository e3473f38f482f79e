package io.imgpipe.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.spi.NewImage;
import io.imgpipe.spi.NewProduct;
import io.imgpipe.spi.NewRequest;
import io.imgpipe.spi.NewTask;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.ProductRepositoryProvider;
import io.imgpipe.spi.ProviderConfig;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class InMemoryProductRepositoryProviderTest {

    private final InMemoryProductRepositoryProvider provider = new InMemoryProductRepositoryProvider();

    @Test
    void isNamedMemory() {
        assertThat(provider.name()).isEqualTo("memory");
    }

    @Test
    void isDiscoverableThroughServiceLoader() {
        assertThat(ServiceLoader.load(ProductRepositoryProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(p -> {
                    assertThat(p).isInstanceOf(InMemoryProductRepositoryProvider.class);
                    assertThat(p.name()).isEqualTo("memory");
                });
    }

    @Test
    void createsARepositoryOfItsOwnEachTime() {
        try (ProductRepository first = provider.create(ProviderConfig.empty());
                ProductRepository second = provider.create(ProviderConfig.empty())) {
            first.create(oneImageRequest("req-1"));

            assertThat(first).isInstanceOf(InMemoryProductRepository.class);
            assertThat(first.findRequest("req-1")).isPresent();
            assertThat(second.findRequest("req-1")).isEmpty();
        }
    }

    private static NewRequest oneImageRequest(String requestId) {
        URI url = URI.create("https://img.example.com/a.jpg");
        return new NewRequest(requestId, Instant.parse("2026-01-01T00:00:00Z"), Map.of(),
                List.of(new NewProduct(0, 1, "Product", List.of(new NewImage(1, url, "t1")))),
                List.of(new NewTask("t1", url, requestId + "/t1.jpg")));
    }
}

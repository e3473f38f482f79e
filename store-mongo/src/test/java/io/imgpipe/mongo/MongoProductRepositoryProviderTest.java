package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ProductRepositoryProvider;
import io.imgpipe.spi.ProviderConfig;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class MongoProductRepositoryProviderTest {

    @Test
    void isDiscoveredByServiceLoaderUnderTheNameMongo() {
        assertThat(ServiceLoader.load(ProductRepositoryProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(provider -> {
                    assertThat(provider).isInstanceOf(MongoProductRepositoryProvider.class);
                    assertThat(provider.name()).isEqualTo("mongo");
                });
    }

    @Test
    void readsEveryProperty() {
        MongoRepositoryConfig config = MongoProductRepositoryProvider.toConfig(new ProviderConfig(Map.of(
                "imgpipe.mongo.uri", "mongodb://db.example:27017",
                "imgpipe.mongo.database", "shop",
                "imgpipe.mongo.collection-prefix", "img_",
                "imgpipe.mongo.insert-batch-size", "500",
                "imgpipe.mongo.creation-timeout", "30m")));

        assertThat(config).isEqualTo(MongoRepositoryConfig.forUri("mongodb://db.example:27017").withDatabase("shop")
                .withCollectionPrefix("img_").withInsertBatchSize(500).withCreationTimeout(Duration.ofMinutes(30)));
    }

    @Test
    void requiresTheUri() {
        assertThatThrownBy(() -> MongoProductRepositoryProvider.toConfig(ProviderConfig.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.mongo.uri");
    }

    @Test
    void namesTheUriPropertyWhenItIsMalformed() {
        assertThatThrownBy(() -> MongoProductRepositoryProvider.toConfig(
                new ProviderConfig(Map.of("imgpipe.mongo.uri", "db.example:27017"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.mongo.uri");
    }

    @Test
    void takesTheDatabaseFromTheUriWhenNotGiven() {
        MongoRepositoryConfig config = MongoProductRepositoryProvider.toConfig(
                new ProviderConfig(Map.of("imgpipe.mongo.uri", "mongodb://db.example:27017/catalog")));

        assertThat(config.database()).isEqualTo("catalog");
    }

    @Test
    void defaultsTheDatabaseToImgpipe() {
        MongoRepositoryConfig config = MongoProductRepositoryProvider.toConfig(
                new ProviderConfig(Map.of("imgpipe.mongo.uri", "mongodb://db.example:27017")));

        assertThat(config.database()).isEqualTo("imgpipe");
        assertThat(config.collectionPrefix()).isEmpty();
    }

    @Test
    void namesAnInvalidBatchSizeProperty() {
        assertThatThrownBy(() -> MongoProductRepositoryProvider.toConfig(new ProviderConfig(Map.of(
                "imgpipe.mongo.uri", "mongodb://db.example:27017", "imgpipe.mongo.insert-batch-size", "many"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("imgpipe.mongo.insert-batch-size");
    }
}

package io.imgpipe.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import io.imgpipe.spi.ProductRepository;
import io.imgpipe.spi.ProductRepositoryProvider;
import io.imgpipe.spi.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlProductRepositoryProviderTest {

    @TempDir
    Path dir;

    @Test
    void isDiscoveredByServiceLoaderUnderTheNameSql() {
        assertThat(ServiceLoader.load(ProductRepositoryProvider.class).stream().map(ServiceLoader.Provider::get)
                .map(ProductRepositoryProvider::name)).contains(SqlProductRepositoryProvider.NAME);
    }

    @Test
    void createsAWorkingSqliteRepositoryFromTheUrlProperty() {
        ProviderConfig config = new ProviderConfig(Map.of(SqlProductRepositoryProvider.URL,
                "jdbc:sqlite:" + dir.resolve("provided.db")));

        try (ProductRepository repository = new SqlProductRepositoryProvider().create(config)) {
            repository.ping();
            assertThat(repository).isInstanceOf(SqlProductRepository.class);
        }
    }

    @Test
    void readsEveryProperty() {
        SqlRepositoryConfig config = SqlProductRepositoryProvider.toConfig(new ProviderConfig(Map.of(
                SqlProductRepositoryProvider.URL, "jdbc:postgresql://db/imgpipe",
                SqlProductRepositoryProvider.USER, "app",
                SqlProductRepositoryProvider.PASSWORD, "secret",
                SqlProductRepositoryProvider.SCHEMA, "images",
                SqlProductRepositoryProvider.POOL_SIZE, "20",
                SqlProductRepositoryProvider.READ_CONNECTIONS, "2",
                SqlProductRepositoryProvider.BUSY_TIMEOUT, "30s")));

        assertThat(config).isEqualTo(SqlRepositoryConfig.forUrl("jdbc:postgresql://db/imgpipe").withUser("app")
                .withPassword("secret").withSchema("images").withMaxPoolSize(20).withReadConnections(2)
                .withBusyTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void namesAMissingUrl() {
        assertThatThrownBy(() -> SqlProductRepositoryProvider.toConfig(ProviderConfig.empty()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(SqlProductRepositoryProvider.URL);
    }

    @Test
    void namesTheInvalidProperty() {
        assertThatThrownBy(() -> SqlProductRepositoryProvider.toConfig(new ProviderConfig(Map.of(
                SqlProductRepositoryProvider.URL, "jdbc:postgresql://db/imgpipe",
                SqlProductRepositoryProvider.POOL_SIZE, "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(SqlProductRepositoryProvider.POOL_SIZE);
        assertThatThrownBy(() -> SqlProductRepositoryProvider.toConfig(new ProviderConfig(Map.of(
                SqlProductRepositoryProvider.URL, "jdbc:oracle:thin:@db"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(SqlProductRepositoryProvider.URL);
    }
}

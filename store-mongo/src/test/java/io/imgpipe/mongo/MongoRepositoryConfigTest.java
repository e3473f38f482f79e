package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MongoRepositoryConfigTest {

    private static final String URI = "mongodb://db.example:27017";

    @Test
    void forUriHasTheDocumentedDefaults() {
        MongoRepositoryConfig config = MongoRepositoryConfig.forUri(URI);

        assertThat(config.connectionString()).isEqualTo(URI);
        assertThat(config.database()).isEqualTo("imgpipe");
        assertThat(config.collectionPrefix()).isEmpty();
        assertThat(config.insertBatchSize()).isEqualTo(1000);
        assertThat(config.creationTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.maintenanceInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void forUriUsesTheDatabaseTheConnectionStringNames() {
        assertThat(MongoRepositoryConfig.forUri("mongodb://db.example:27017/shop?retryWrites=true").database())
                .isEqualTo("shop");
    }

    @Test
    void forClientHasNoConnectionString() {
        assertThat(MongoRepositoryConfig.forClient().connectionString()).isNull();
    }

    @Test
    void collectionNamesCarryThePrefix() {
        MongoRepositoryConfig config = MongoRepositoryConfig.forClient().withCollectionPrefix("shop1_");

        assertThat(config.requestsCollection()).isEqualTo("shop1_requests");
        assertThat(config.productsCollection()).isEqualTo("shop1_products");
        assertThat(config.tasksCollection()).isEqualTo("shop1_tasks");
    }

    @Test
    void withCopiesChangeOnlyTheirField() {
        MongoRepositoryConfig config = MongoRepositoryConfig.forUri(URI).withDatabase("other").withInsertBatchSize(50);

        assertThat(config.database()).isEqualTo("other");
        assertThat(config.insertBatchSize()).isEqualTo(50);
        assertThat(config.connectionString()).isEqualTo(URI);
    }

    @Test
    void refusesAMalformedConnectionString() {
        assertThatThrownBy(() -> MongoRepositoryConfig.forUri("http://db.example"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MongoRepositoryConfig.connectionString");
    }

    @Test
    void refusesABlankConnectionString() {
        assertThatThrownBy(() -> MongoRepositoryConfig.forUri(" "))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MongoRepositoryConfig.connectionString");
    }

    @Test
    void refusesAnEmptyDatabaseName() {
        assertThatThrownBy(() -> MongoRepositoryConfig.forClient().withDatabase(""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MongoRepositoryConfig.database");
    }

    @Test
    void refusesADatabaseNameWithADot() {
        assertThatThrownBy(() -> MongoRepositoryConfig.forClient().withDatabase("img.pipe"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MongoRepositoryConfig.database").hasMessageContaining("'.'");
    }

    @Test
    void refusesAPrefixWithADollar() {
        assertThatThrownBy(() -> MongoRepositoryConfig.forClient().withCollectionPrefix("a$"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MongoRepositoryConfig.collectionPrefix");
    }

    @Test
    void refusesANullPrefix() {
        assertThatThrownBy(() -> MongoRepositoryConfig.forClient().withCollectionPrefix(null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MongoRepositoryConfig.collectionPrefix");
    }

    @Test
    void refusesAnInsertBatchSizeBelowOne() {
        assertThatThrownBy(() -> MongoRepositoryConfig.forClient().withInsertBatchSize(0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MongoRepositoryConfig.insertBatchSize");
    }

    @Test
    void refusesANonPositiveCreationTimeout() {
        assertThatThrownBy(() -> MongoRepositoryConfig.forClient().withCreationTimeout(Duration.ZERO))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MongoRepositoryConfig.creationTimeout");
    }

    @Test
    void refusesAMissingMaintenanceInterval() {
        assertThatThrownBy(() -> MongoRepositoryConfig.forClient().withMaintenanceInterval(null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MongoRepositoryConfig.maintenanceInterval");
    }
}

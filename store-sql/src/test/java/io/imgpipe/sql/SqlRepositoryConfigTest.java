package io.imgpipe.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlRepositoryConfigTest {

    @Test
    void forUrlTakesDefaults() {
        SqlRepositoryConfig config = SqlRepositoryConfig.forUrl("jdbc:postgresql://db:5432/imgpipe");

        assertThat(config.maxPoolSize()).isEqualTo(SqlRepositoryConfig.DEFAULT_MAX_POOL_SIZE);
        assertThat(config.readConnections()).isEqualTo(SqlRepositoryConfig.DEFAULT_READ_CONNECTIONS);
        assertThat(config.busyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.schema()).isNull();
    }

    @Test
    void forSqliteFileMakesAnAbsoluteUrl() {
        assertThat(SqlRepositoryConfig.forSqliteFile(Path.of("data/imgpipe.db")).jdbcUrl())
                .startsWith("jdbc:sqlite:/").endsWith("/data/imgpipe.db");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://db/imgpipe", "postgres://db/imgpipe", "imgpipe.db"})
    void refusesUrlsOfOtherDatabases(String url) {
        assertThatThrownBy(() -> SqlRepositoryConfig.forUrl(url)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("must start with jdbc:sqlite: or jdbc:postgresql:");
    }

    @Test
    void refusesAUrlWithoutADatabase() {
        assertThatThrownBy(() -> SqlRepositoryConfig.forUrl("jdbc:sqlite:")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("names no database");
    }

    @Test
    void refusesASchemaForSqlite() {
        assertThatThrownBy(() -> SqlRepositoryConfig.forUrl("jdbc:sqlite:/tmp/x.db").withSchema("images"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("schema is for PostgreSQL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Images", "1images", "images; DROP TABLE x", "a-b", ""})
    void refusesSchemaNamesThatAreNotPlain(String schema) {
        assertThatThrownBy(() -> SqlRepositoryConfig.forUrl("jdbc:postgresql://db/x").withSchema(schema))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("SqlRepositoryConfig.schema");
    }

    @Test
    void refusesOutOfRangeSizesAndTimes() {
        SqlRepositoryConfig config = SqlRepositoryConfig.forUrl("jdbc:postgresql://db/x");

        assertThatThrownBy(() -> config.withMaxPoolSize(0)).hasMessageContaining("maxPoolSize");
        assertThatThrownBy(() -> config.withReadConnections(65)).hasMessageContaining("readConnections");
        assertThatThrownBy(() -> config.withBusyTimeout(Duration.ZERO)).hasMessageContaining("busyTimeout");
        assertThatThrownBy(() -> config.withConnectionTimeout(null)).hasMessageContaining("connectionTimeout");
    }

    @Test
    void neverShowsThePassword() {
        SqlRepositoryConfig config = SqlRepositoryConfig.forUrl("jdbc:postgresql://db/x?user=app&password=in-url")
                .withUser("app").withPassword("s3cr3t");

        assertThat(config.toString()).doesNotContain("s3cr3t").doesNotContain("in-url").contains("user=app");
    }
}

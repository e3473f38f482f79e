package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import io.imgpipe.EngineConfig;
import io.imgpipe.s3.UrlMode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerConfigTest {

    @Test
    void defaultsMatchTheOriginalServer() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of());

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.role()).isEqualTo(Role.ALL);
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.embeddedStore()).isTrue();
        assertThat(config.s3()).isNull();
        assertThat(config.publicBaseUrl()).isNull();
        assertThat(config.fetchAllowPrivateNetworks()).isFalse();
        assertThat(config.webhook().secret()).isNull();
        assertThat(config.tuning().jpegQuality()).isEqualTo(50);
        assertThat(config.tuning().maxUploadBytes()).isEqualTo(64L << 20);
        assertThat(config.tuning().lease()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void treatsBlankValuesAsUnset() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("PORT", " ", "MONGODB_URI", "", "S3_BUCKET_NAME", "  "));

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.embeddedStore()).isTrue();
        assertThat(config.s3()).isNull();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            PORT                         | abc      | invalid PORT 'abc': must be an integer from 0 to 65535
            PORT                         | 70000    | invalid PORT '70000': must be an integer from 0 to 65535
            PORT                         | -1       | invalid PORT '-1': must be an integer from 0 to 65535
            HOST                         | a b      | invalid HOST 'a b': must be a host name or IP address such as 0.0.0.0
            ROLE                         | boss     | invalid ROLE 'boss': must be one of all, api, worker
            PUBLIC_BASE_URL              | ftp://x  | invalid PUBLIC_BASE_URL 'ftp://x': must be an absolute http or https URL such as https://images.example.com
            PUBLIC_BASE_URL              | https://x/?a=1 | invalid PUBLIC_BASE_URL 'https://x/?a=1': must have no query or fragment
            FETCH_ALLOW_PRIVATE_NETWORKS | maybe    | invalid FETCH_ALLOW_PRIVATE_NETWORKS 'maybe': must be true or false
            IO_WORKERS                   | 0        | invalid IO_WORKERS '0': must be an integer from 1 to 1024
            CPU_WORKERS                  | many     | invalid CPU_WORKERS 'many': must be an integer from 1 to 256
            JPEG_QUALITY                 | 101      | invalid JPEG_QUALITY '101': must be an integer from 1 to 100
            MAX_UPLOAD_BYTES             | 0        | invalid MAX_UPLOAD_BYTES '0': must be an integer from 1 to 17179869184
            MAX_ROWS                     | 1.5      | invalid MAX_ROWS '1.5': must be an integer from 1 to 10000000
            MAX_IMAGE_BYTES              | 10MB     | invalid MAX_IMAGE_BYTES '10MB': must be an integer from 1 to 2147483639
            MAX_PIXELS                   | 0        | invalid MAX_PIXELS '0': must be an integer from 1 to 1000000000
            LEASE_SECONDS                | 1        | invalid LEASE_SECONDS '1': must be an integer from 2 to 86400
            MAX_ATTEMPTS                 | 0        | invalid MAX_ATTEMPTS '0': must be an integer from 1 to 100
            SHUTDOWN_TIMEOUT_SECONDS     | 9999     | invalid SHUTDOWN_TIMEOUT_SECONDS '9999': must be an integer from 0 to 3600
            WEBHOOK_MAX_ATTEMPTS         | 11       | invalid WEBHOOK_MAX_ATTEMPTS '11': must be an integer from 1 to 10
            WEBHOOK_TIMEOUT_SECONDS      | 0        | invalid WEBHOOK_TIMEOUT_SECONDS '0': must be an integer from 1 to 120
            WEBHOOK_SECRET               | short    | invalid WEBHOOK_SECRET: must be at least 16 characters (for example the output of: openssl rand -hex 32)
            MONGODB_URI                  | http://db | invalid MONGODB_URI: not a valid MongoDB connection string: The connection string is invalid. Connection strings must start with either 'mongodb://' or 'mongodb+srv://
            S3_ENDPOINT                  | http://minio:9000 | invalid S3_ENDPOINT: it is set but S3_BUCKET_NAME is not; set S3_BUCKET_NAME to store images in S3, or unset S3_ENDPOINT
            S3_PRESIGN_EXPIRY            | 1h       | invalid S3_PRESIGN_EXPIRY: it is set but S3_BUCKET_NAME is not; set S3_BUCKET_NAME to store images in S3, or unset S3_PRESIGN_EXPIRY
            MAX_ABANDONED                | -1       | invalid MAX_ABANDONED '-1': must be an integer from 0 to 1000
            MAX_FETCHES_PER_HOST         | 0        | invalid MAX_FETCHES_PER_HOST '0': must be an integer from 1 to 1024
            HOST_FAILURES_BEFORE_BACKOFF | none     | invalid HOST_FAILURES_BEFORE_BACKOFF 'none': must be an integer from 1 to 1000
            HOST_BACKOFF_SECONDS         | 301      | invalid HOST_BACKOFF_SECONDS '301': must be an integer from 1 to 300
            TRANSCODE_JPEGS              | sometimes | invalid TRANSCODE_JPEGS 'sometimes': must be true or false
            TEMP_FILE_MAX_AGE_SECONDS    | 0        | invalid TEMP_FILE_MAX_AGE_SECONDS '0': must be an integer from 1 to 604800
            TEMP_SWEEP_INTERVAL_SECONDS  | -5       | invalid TEMP_SWEEP_INTERVAL_SECONDS '-5': must be an integer from 0 to 604800
            HTTP_IDLE_TIMEOUT_SECONDS    | 0        | invalid HTTP_IDLE_TIMEOUT_SECONDS '0': must be an integer from 1 to 3600
            UPLOAD_TIMEOUT_SECONDS       | 2m       | invalid UPLOAD_TIMEOUT_SECONDS '2m': must be an integer from 1 to 86400
            MAX_CONCURRENT_UPLOADS       | 201      | invalid MAX_CONCURRENT_UPLOADS '201': must be an integer from 1 to 200
            MEMORY_BUDGET_BYTES          | lots     | invalid MEMORY_BUDGET_BYTES 'lots': must be an integer from 0 to 9223372036854775807
            MEMORY_BUDGET_BYTES          | 1000     | invalid MEMORY_BUDGET_BYTES '1000': must be 0 (half the maximum heap) or an integer from 1048576 to
            """)
    void namesTheInvalidSettingInOneLine(String name, String value, String message) {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(name, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void refusesAMemoryBudgetLargerThanTheHeapNamingTheHeapSetting() {
        long overHeap = Runtime.getRuntime().maxMemory() + 1;

        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("MEMORY_BUDGET_BYTES", Long.toString(overHeap))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("invalid MEMORY_BUDGET_BYTES '" + overHeap + "'")
                .hasMessageContaining("-Xmx");
    }

    @Test
    void theNewEngineSettingsHaveTheEngineDefaults() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("DATA_DIR", "/var/lib/imgpipe"));
        EngineConfig defaults = EngineConfig.builder().build();

        EngineConfig engine = Server.engineConfig(config);

        assertThat(engine.maxFetchesPerHost()).isEqualTo(defaults.maxFetchesPerHost()).isEqualTo(4);
        assertThat(engine.hostFailuresBeforeBackoff()).isEqualTo(defaults.hostFailuresBeforeBackoff());
        assertThat(engine.hostBackoff()).isEqualTo(defaults.hostBackoff());
        assertThat(engine.maxAbandoned()).isEqualTo(defaults.maxAbandoned());
        assertThat(engine.memoryBudget()).isEqualTo(defaults.memoryBudget());
        assertThat(engine.spillDirectory()).as("spill files stay under DATA_DIR").isEqualTo(Path.of("/var/lib/imgpipe/spill"));
        assertThat(config.tuning().transcodeJpegs()).isTrue();
        assertThat(config.fileStore().tempFileMaxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(config.fileStore().tempSweepInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(config.http().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.http().uploadTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.http().maxConcurrentUploads()).isEqualTo(64);
    }

    @Test
    void passesTheEngineSettingsToTheEngine() {
        Map<String, String> variables = new HashMap<>();
        variables.put("MAX_FETCHES_PER_HOST", "2");
        variables.put("HOST_FAILURES_BEFORE_BACKOFF", "5");
        variables.put("HOST_BACKOFF_SECONDS", "30");
        variables.put("MAX_ABANDONED", "25");
        variables.put("MEMORY_BUDGET_BYTES", Long.toString(8L << 20));
        variables.put("SPILL_DIR", "/tmp/imgpipe-spill-test");
        ServerConfig config = ServerConfig.fromEnvironment(variables);

        EngineConfig engine = Server.engineConfig(config);

        assertThat(engine.maxFetchesPerHost()).isEqualTo(2);
        assertThat(engine.hostFailuresBeforeBackoff()).isEqualTo(5);
        assertThat(engine.hostBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(engine.maxAbandoned()).isEqualTo(25);
        assertThat(engine.memoryBudget()).isEqualTo(8L << 20);
        assertThat(engine.spillDirectory()).isEqualTo(Path.of("/tmp/imgpipe-spill-test"));
    }

    @Test
    void readsTheFileStoreSweepTheHttpTimeoutsAndTheTranscodingSwitch() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("TEMP_FILE_MAX_AGE_SECONDS", "600",
                "TEMP_SWEEP_INTERVAL_SECONDS", "0", "HTTP_IDLE_TIMEOUT_SECONDS", "10", "UPLOAD_TIMEOUT_SECONDS", "45",
                "MAX_CONCURRENT_UPLOADS", "8", "TRANSCODE_JPEGS", "false"));

        assertThat(config.fileStore().tempFileMaxAge()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.fileStore().tempSweepInterval()).isZero();
        assertThat(config.http().idleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.http().uploadTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.http().maxConcurrentUploads()).isEqualTo(8);
        assertThat(config.tuning().transcodeJpegs()).isFalse();
    }

    @Test
    void readsTheS3SettingsOnlyTheProviderKnewBefore() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("S3_BUCKET_NAME", "images", "S3_URL_MODE", "presigned",
                "S3_PRESIGN_EXPIRY", "15m", "S3_CACHE_CONTROL", "no-store"));

        assertThat(config.s3().store().presignExpiry()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.s3().store().cacheControl()).isEqualTo("no-store");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            S3_URL_MODE       | sideways | invalid S3 setting: S3_URL_MODE must be public, presigned or base-url, got 'sideways'
            S3_PRESIGN_EXPIRY | 30d      | invalid S3 setting: S3_PRESIGN_EXPIRY must be between 1 second and 7 days, got PT720H
            S3_PRESIGN_EXPIRY | soon     | invalid S3 setting: S3_PRESIGN_EXPIRY must be a duration such as 30s, 5m or PT30S, got 'soon'
            S3_ACL            | everyone | invalid S3 setting: S3_ACL 'everyone' is not a canned ACL
            S3_KEY_PREFIX     | /images/ | invalid S3 setting: S3_KEY_PREFIX '/images/' is invalid
            AWS_REGION        | eu west  | invalid S3 setting: AWS_REGION 'eu west' is not a region name
            S3_ENDPOINT       | ftp://minio | invalid S3 setting: S3_ENDPOINT must be an absolute http or https URL, got 'ftp://minio'
            S3_BASE_URL       | https://cdn.example.com | invalid S3 setting: S3_BASE_URL is only used when S3_URL_MODE is BASE_URL
            """)
    void namesTheS3VariableInTheProvidersMessage(String name, String value, String message) {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("S3_BUCKET_NAME", "images", name, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("imgpipe.s3."));
    }

    @Test
    void neverEchoesTheWebhookSecret() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("WEBHOOK_SECRET", "hunter2")))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void requiresASharedDatabaseForTheApiAndWorkerRoles() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("ROLE", "worker")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("invalid ROLE 'worker': the api and worker roles share work through a shared"
                        + " database; set DATABASE_URL (PostgreSQL) or MONGODB_URI (MongoDB)");
    }

    @Test
    void acceptsTheApiAndWorkerRolesOnPostgreSqlOrMongoDb() {
        assertThat(ServerConfig.fromEnvironment(Map.of("ROLE", "api", "DATABASE_URL", "jdbc:postgresql://db/imgpipe"))
                .role()).isEqualTo(Role.API);
        assertThat(ServerConfig.fromEnvironment(Map.of("ROLE", "worker", "MONGODB_URI", "mongodb://db/imgpipe"))
                .role()).isEqualTo(Role.WORKER);
    }

    @Test
    void theEmbeddedDefaultIsSqliteUnderTheDataDirectory() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("DATA_DIR", "/var/lib/imgpipe"));

        assertThat(config.embeddedStore()).isTrue();
        assertThat(config.storeName()).isEqualTo("embedded SQLite");
        assertThat(config.postgres()).isNull();
        assertThat(config.mongo()).isNull();
    }

    @Test
    void databaseUrlSelectsPostgreSqlWithItsCredentials() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("DATABASE_URL", "jdbc:postgresql://db:5432/imgpipe",
                "DATABASE_USER", "app", "DATABASE_PASSWORD", "do-not-print-me", "DATABASE_SCHEMA", "images"));

        assertThat(config.embeddedStore()).isFalse();
        assertThat(config.storeName()).isEqualTo("PostgreSQL");
        assertThat(config.postgres()).isEqualTo(new ServerConfig.PostgresSettings("jdbc:postgresql://db:5432/imgpipe",
                "app", "do-not-print-me", "images"));
        assertThat(config.toString()).doesNotContain("do-not-print-me");
    }

    @Test
    void postgreSqlCredentialsFallBackToTheConventionalVariables() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("DATABASE_URL", "jdbc:postgresql://db/imgpipe",
                "PGUSER", "pguser", "PGPASSWORD", "pgpass"));

        assertThat(config.postgres().user()).isEqualTo("pguser");
        assertThat(config.postgres().password()).isEqualTo("pgpass");
    }

    @Test
    void refusesADatabaseUrlOfAnotherKind() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("DATABASE_URL", "postgres://u:secret@db/imgpipe")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("invalid DATABASE_URL: must be a jdbc:postgresql://host[:port]/database URL")
                .hasMessageNotContaining("secret");
    }

    @Test
    void refusesPostgreSqlAndMongoDbTogether() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("DATABASE_URL", "jdbc:postgresql://db/imgpipe",
                "MONGODB_URI", "mongodb://db/imgpipe")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("DATABASE_URL")
                .hasMessageContaining("MONGODB_URI")
                .hasMessageContaining("not both");
    }

    @Test
    void readsS3SettingsIntoTheStoreConfig() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("S3_BUCKET_NAME", "images", "AWS_REGION", "eu-west-1",
                "S3_ENDPOINT", "http://127.0.0.1:9000", "S3_URL_MODE", "presigned", "S3_PATH_STYLE", "false",
                "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "do-not-print-me"));

        assertThat(config.s3().store().bucket()).isEqualTo("images");
        assertThat(config.s3().store().region()).isEqualTo("eu-west-1");
        assertThat(config.s3().store().endpointOverride()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(config.s3().store().urlMode()).isEqualTo(UrlMode.PRESIGNED);
        assertThat(config.s3().store().pathStyleAccess()).isFalse();
        assertThat(config.toString()).doesNotContain("do-not-print-me");
    }

    @Test
    void namesTheS3VariableWhenTheStoreRefusesAValue() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("S3_BUCKET_NAME", "-bad-")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("invalid S3 setting: S3_BUCKET_NAME '-bad-' is not a valid bucket name");
    }

    @Test
    void requiresTheBaseUrlInBaseUrlMode() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("S3_BUCKET_NAME", "images", "S3_URL_MODE", "base-url")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("S3_BASE_URL");
    }

    @Test
    void refusesHalfOfAnAwsKeyPair() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("S3_BUCKET_NAME", "images", "AWS_ACCESS_KEY_ID", "AKIA")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY");
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin", "local", "config"})
    void neverDefaultsToOneOfMongoDbsOwnDatabases(String named) {
        String uri = "mongodb://root:example@mongo:27017/" + named;

        assertThat(ServerConfig.fromEnvironment(Map.of("MONGODB_URI", uri)).mongo().database()).isEqualTo("imgpipe");
    }

    @Test
    void takesTheDatabaseFromTheConnectionStringUnlessMongoDbDatabaseIsSet() {
        assertThat(ServerConfig.fromEnvironment(Map.of("MONGODB_URI", "mongodb://db.example.com/shop")).mongo().database())
                .isEqualTo("shop");
        assertThat(ServerConfig.fromEnvironment(Map.of("MONGODB_URI", "mongodb://db.example.com/")).mongo().database())
                .isEqualTo("imgpipe");
        assertThat(ServerConfig.fromEnvironment(Map.of("MONGODB_URI", "mongodb://db.example.com/shop",
                "MONGODB_DATABASE", "images")).mongo().database()).isEqualTo("images");
    }

    @Test
    void hidesMongoCredentialsWhenPrinted() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("MONGODB_URI", "mongodb://app:s3cr3t@db.example.com:27017/"));

        assertThat(config.toString()).contains("db.example.com:27017").doesNotContain("s3cr3t");
    }

    @Test
    void letsTheEnvironmentOverrideTheDotEnvFile(@TempDir Path dir) throws Exception {
        Path dotEnv = dir.resolve(".env");
        Files.writeString(dotEnv, "PORT=9000\nHOST=127.0.0.1\n");

        Map<String, String> variables = Main.variables(Map.of("PORT", "9100"), dotEnv);

        ServerConfig config = ServerConfig.fromEnvironment(variables);
        assertThat(config.port()).isEqualTo(9100);
        assertThat(config.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void readsOnlyTheEnvironmentWhenThereIsNoDotEnvFile(@TempDir Path dir) {
        Map<String, String> variables = Main.variables(Map.of("PORT", "9100"), dir.resolve(".env"));

        assertThat(variables).containsExactly(Map.entry("PORT", "9100"));
    }

    @Test
    void givesTheNotificationLeaseMoreTimeThanAWholeWebhookDelivery() {
        Map<String, String> variables = new HashMap<>();
        variables.put("WEBHOOK_MAX_ATTEMPTS", "10");
        variables.put("WEBHOOK_TIMEOUT_SECONDS", "120");
        ServerConfig config = ServerConfig.fromEnvironment(variables);

        EngineConfig engine = Server.engineConfig(config);

        assertThat(engine.notificationLease()).isGreaterThan(config.webhook().maxDeliveryTime());
        assertThat(config.webhook().maxDeliveryTime()).isGreaterThan(Duration.ofMinutes(40));
    }

    @Test
    void keepsLeaseRenewalWithinShortLeases() {
        ServerConfig config = ServerConfig.fromEnvironment(Map.of("LEASE_SECONDS", "2"));

        EngineConfig engine = Server.engineConfig(config);

        assertThat(engine.leaseDuration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(engine.housekeepingInterval().multipliedBy(2)).isLessThanOrEqualTo(engine.leaseDuration());
    }
}

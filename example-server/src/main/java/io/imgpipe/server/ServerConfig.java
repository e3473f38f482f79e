package io.imgpipe.server;

import com.mongodb.ConnectionString;
import io.imgpipe.ConfigurationException;
import io.imgpipe.EngineConfig;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.s3.S3StoreConfig;
import io.imgpipe.s3.S3ObjectStoreProvider;
import io.imgpipe.spi.ProviderConfig;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the server is configured with, read from environment variables (see
 * {@link #fromEnvironment(Map)} for the list). Immutable; every component validates itself and
 * names the variable that is wrong. {@link #toString()} never shows secrets.
 *
 * @param host the address to listen on; {@code HOST}, default {@code 0.0.0.0}
 * @param port the port to listen on, {@code 0} for any free one; {@code PORT}, default 8080
 * @param publicBaseUrl how clients reach this server, for file URLs and the output-CSV link in
 *     webhooks; {@code PUBLIC_BASE_URL}, or {@code null} for {@code http://localhost:<port>} (the
 *     port actually bound, and the host itself when {@code HOST} names one)
 * @param role what this process does; {@code ROLE}, default {@code all}
 * @param dataDir where the embedded store and local images live; {@code DATA_DIR}, default {@code ./data}
 * @param postgres the PostgreSQL database to use, or {@code null}
 * @param mongo the MongoDB to use, or {@code null}; with neither, the embedded SQLite store under {@code dataDir}
 * @param s3 the S3 bucket to store images in, or {@code null} for files under {@code dataDir/images}
 * @param fetchAllowPrivateNetworks whether images and webhooks may be fetched from loopback and
 *     private networks; {@code FETCH_ALLOW_PRIVATE_NETWORKS}, default {@code false}
 * @param webhook how completion webhooks are sent
 * @param tuning concurrency, limits and leases
 * @param hostLimits how many fetches one host gets at once, and when a failing host is backed off
 * @param memory how many bytes images in flight may hold, and where bodies wait outside the heap
 * @param fileStore how the local image store sweeps the debris of interrupted writes
 * @param http how long clients may take to send their requests, and how many uploads are read at once
 */
public record ServerConfig(String host, int port, URI publicBaseUrl, Role role, Path dataDir,
        PostgresSettings postgres, MongoSettings mongo, S3Settings s3, boolean fetchAllowPrivateNetworks, WebhookSettings webhook,
        Tuning tuning, HostLimits hostLimits, MemorySettings memory, FileStoreSettings fileStore, HttpSettings http) {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]+");

    /** Validates the settings that depend on each other. */
    public ServerConfig {
        if (host == null || !HOST.matcher(host).matches()) {
            throw EnvironmentVariables.invalid("HOST", String.valueOf(host), "must be a host name or IP address such as 0.0.0.0");
        }
        EnvironmentVariables.requireRange("PORT", port, 0, 65535);
        if (publicBaseUrl != null) {
            publicBaseUrl = withoutTrailingSlash(EnvironmentVariables.requireHttpUrl("PUBLIC_BASE_URL", publicBaseUrl.toString()));
        }
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(tuning, "tuning");
        Objects.requireNonNull(hostLimits, "hostLimits");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(fileStore, "fileStore");
        Objects.requireNonNull(http, "http");
        if (postgres != null && mongo != null) {
            throw new ConfigurationException("invalid DATABASE_URL and MONGODB_URI: both are set; set DATABASE_URL"
                    + " for PostgreSQL or MONGODB_URI for MongoDB, not both");
        }
        if (role != Role.ALL && postgres == null && mongo == null) {
            throw EnvironmentVariables.invalid("ROLE", role.settingValue(), "the api and worker roles share work through a shared"
                    + " database; set DATABASE_URL (PostgreSQL) or MONGODB_URI (MongoDB) (the embedded store serves one"
                    + " process, which must use ROLE=all)");
        }
    }

    /**
     * Reads the configuration from variables. Unset or blank variables take their defaults.
     *
     * <ul>
     *   <li>{@code HOST}, {@code PORT}, {@code PUBLIC_BASE_URL}, {@code ROLE} ({@code all|api|worker}),
     *       {@code DATA_DIR}</li>
     *   <li>{@code DATABASE_URL} (a {@code jdbc:postgresql:} URL), {@code DATABASE_USER} (or {@code PGUSER}),
     *       {@code DATABASE_PASSWORD} (or {@code PGPASSWORD}), {@code DATABASE_SCHEMA}</li>
     *   <li>{@code MONGODB_URI}, {@code MONGODB_DATABASE} (default: the connection string's database, else {@code imgpipe})</li>
     *   <li>{@code S3_BUCKET_NAME}, {@code AWS_REGION}, {@code S3_ENDPOINT}, {@code S3_URL_MODE}
     *       ({@code public|presigned|base-url}), {@code S3_BASE_URL}, {@code S3_PATH_STYLE},
     *       {@code S3_KEY_PREFIX}, {@code S3_ACL}, {@code AWS_ACCESS_KEY_ID},
     *       {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}</li>
     *   <li>{@code FETCH_ALLOW_PRIVATE_NETWORKS}, {@code WEBHOOK_SECRET},
     *       {@code WEBHOOK_MAX_ATTEMPTS}, {@code WEBHOOK_TIMEOUT_SECONDS}</li>
     *   <li>{@code IO_WORKERS}, {@code CPU_WORKERS}, {@code JPEG_QUALITY}, {@code MAX_UPLOAD_BYTES},
     *       {@code MAX_ROWS}, {@code MAX_IMAGE_BYTES}, {@code MAX_PIXELS}, {@code LEASE_SECONDS},
     *       {@code MAX_ATTEMPTS}, {@code MAX_ABANDONED}, {@code SHUTDOWN_TIMEOUT_SECONDS},
     *       {@code TRANSCODE_JPEGS}</li>
     *   <li>{@code MAX_FETCHES_PER_HOST}, {@code HOST_FAILURES_BEFORE_BACKOFF}, {@code HOST_BACKOFF_SECONDS}</li>
     *   <li>{@code MEMORY_BUDGET_BYTES}, {@code SPILL_DIR}</li>
     *   <li>{@code TEMP_FILE_MAX_AGE_SECONDS}, {@code TEMP_SWEEP_INTERVAL_SECONDS}</li>
     *   <li>{@code HTTP_IDLE_TIMEOUT_SECONDS}, {@code UPLOAD_TIMEOUT_SECONDS}, {@code MAX_CONCURRENT_UPLOADS}</li>
     * </ul>
     *
     * @param variables the variables, for example the environment merged over a {@code .env} file
     * @return the configuration
     * @throws ConfigurationException with one line naming the first invalid variable
     */
    public static ServerConfig fromEnvironment(Map<String, String> variables) {
        EnvironmentVariables env = new EnvironmentVariables(variables);
        String host = env.string("HOST", "0.0.0.0");
        int port = env.integer("PORT", 8080, 0, 65535);
        URI publicBaseUrl = env.httpUrl("PUBLIC_BASE_URL");
        Role role = role(env);
        Path dataDir = path(env, "DATA_DIR", "./data");
        PostgresSettings postgres = env.isSet("DATABASE_URL") ? PostgresSettings.from(env) : null;
        MongoSettings mongo = env.isSet("MONGODB_URI") ? MongoSettings.from(env) : null;
        S3Settings s3 = S3Settings.from(env);
        boolean allowPrivate = env.bool("FETCH_ALLOW_PRIVATE_NETWORKS", false);
        return new ServerConfig(host, port, publicBaseUrl, role, dataDir, postgres, mongo, s3, allowPrivate,
                WebhookSettings.from(env), Tuning.from(env), HostLimits.from(env), MemorySettings.from(env, dataDir),
                FileStoreSettings.from(env), HttpSettings.from(env));
    }

    /** @return {@code true} when the embedded SQLite store under {@link #dataDir()} is used */
    public boolean embeddedStore() {
        return postgres == null && mongo == null;
    }

    /** @return what the repository runs on, for logs: {@code embedded SQLite}, {@code PostgreSQL} or {@code MongoDB} */
    public String storeName() {
        return postgres != null ? "PostgreSQL" : mongo != null ? "MongoDB" : "embedded SQLite";
    }

    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", publicBaseUrl=" + publicBaseUrl + ", role="
                + role.settingValue() + ", dataDir=" + dataDir + ", postgres=" + (postgres == null ? "none" : postgres)
                + ", mongo=" + (mongo == null ? "none" : mongo)
                + ", s3=" + (s3 == null ? "none" : s3) + ", fetchAllowPrivateNetworks=" + fetchAllowPrivateNetworks
                + ", webhook=" + webhook + ", tuning=" + tuning + ", hostLimits=" + hostLimits + ", memory=" + memory
                + ", fileStore=" + fileStore + ", http=" + http + "]";
    }

    private static Role role(EnvironmentVariables env) {
        String value = env.string("ROLE", "all");
        try {
            return Role.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw EnvironmentVariables.invalid("ROLE", value, "must be one of all, api, worker");
        }
    }

    private static Path path(EnvironmentVariables env, String name, String defaultValue) {
        return path(env, name, Path.of(defaultValue));
    }

    private static Path path(EnvironmentVariables env, String name, Path defaultValue) {
        String value = env.string(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw EnvironmentVariables.invalid(name, value, "is not a valid path: " + e.getReason());
        }
    }

    private static URI withoutTrailingSlash(URI url) {
        String text = url.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : url;
    }

    /**
     * The PostgreSQL database shared by the processes of one installation.
     *
     * @param url {@code DATABASE_URL}, a {@code jdbc:postgresql://host[:port]/database} URL
     * @param user {@code DATABASE_USER}, else {@code PGUSER}, else {@code null} (the URL's or the driver's default)
     * @param password {@code DATABASE_PASSWORD}, else {@code PGPASSWORD}, else {@code null}
     * @param schema {@code DATABASE_SCHEMA}, or {@code null} for the connection's current schema
     */
    public record PostgresSettings(String url, String user, String password, String schema) {

        private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

        /** Checks the URL is a PostgreSQL JDBC URL and the schema a plain name. */
        public PostgresSettings {
            if (url == null || !url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
                throw EnvironmentVariables.invalid("DATABASE_URL", null, "must be a jdbc:postgresql://host[:port]/database URL"
                        + " (without DATABASE_URL and MONGODB_URI the server uses its embedded SQLite store)");
            }
            if (schema != null && !SCHEMA.matcher(schema).matches()) {
                throw EnvironmentVariables.invalid("DATABASE_SCHEMA", schema, "must be 1 to 63 lower-case letters, digits or '_',"
                        + " not starting with a digit");
            }
        }

        static PostgresSettings from(EnvironmentVariables env) {
            String user = env.string("DATABASE_USER", env.string("PGUSER"));
            String password = env.string("DATABASE_PASSWORD", env.string("PGPASSWORD"));
            return new PostgresSettings(env.string("DATABASE_URL"), user, password, env.string("DATABASE_SCHEMA"));
        }

        /** Shows the URL without its query (which may hold a password) and never the password. */
        @Override
        public String toString() {
            int query = url.indexOf('?');
            return "PostgresSettings[url=" + (query < 0 ? url : url.substring(0, query)) + ", user=" + user
                    + ", password=" + (password == null ? "none" : "***") + ", schema=" + schema + "]";
        }
    }

    /**
     * The MongoDB shared by the processes of one installation.
     *
     * @param uri {@code MONGODB_URI}, a {@code mongodb://} or {@code mongodb+srv://} connection string
     * @param database {@code MONGODB_DATABASE}; default the database named in the connection
     *     string, unless it names none or {@code admin}, {@code local} or {@code config}, else
     *     {@code imgpipe}
     */
    public record MongoSettings(String uri, String database) {

        private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_-]{1,63}");
        private static final Set<String> SYSTEM_DATABASES = Set.of("admin", "local", "config");

        /** Checks the connection string parses and the database name is usable. */
        public MongoSettings {
            if (uri == null || uri.isBlank()) {
                throw EnvironmentVariables.invalid("MONGODB_URI", null, "must be a mongodb:// or mongodb+srv:// connection string");
            }
            try {
                new ConnectionString(uri);
            } catch (IllegalArgumentException e) {
                throw EnvironmentVariables.invalid("MONGODB_URI", null, "not a valid MongoDB connection string: " + e.getMessage());
            }
            if (database == null || !DATABASE.matcher(database).matches()) {
                throw EnvironmentVariables.invalid("MONGODB_DATABASE", String.valueOf(database),
                        "must be 1 to 63 letters, digits, '_' or '-'");
            }
        }

        static MongoSettings from(EnvironmentVariables env) {
            String uri = env.string("MONGODB_URI");
            return new MongoSettings(uri, env.string("MONGODB_DATABASE", databaseIn(uri)));
        }

        /**
         * @return the database the URI names, unless it names none or one of MongoDB's own
         *     ({@code admin}, {@code local}, {@code config}: a URI names {@code admin} to say
         *     where its user authenticates), in which case {@code imgpipe}
         */
        private static String databaseIn(String uri) {
            try {
                String named = uri == null ? null : new ConnectionString(uri).getDatabase();
                return named == null || named.isBlank() || SYSTEM_DATABASES.contains(named) ? "imgpipe" : named;
            } catch (IllegalArgumentException e) {
                return "imgpipe"; // the constructor reports the bad connection string
            }
        }

        /** Shows the hosts and database, never the credentials. */
        @Override
        public String toString() {
            return "MongoSettings[hosts=" + new ConnectionString(uri).getHosts() + ", database=" + database + "]";
        }
    }

    /**
     * The S3 (or S3-compatible) bucket images are stored in.
     *
     * @param store the bucket, region, endpoint and URL settings
     * @param accessKeyId {@code AWS_ACCESS_KEY_ID}, or {@code null} for the AWS SDK's default
     *     credential chain (environment, profile, instance role)
     * @param secretAccessKey {@code AWS_SECRET_ACCESS_KEY}, set exactly when {@code accessKeyId} is
     * @param sessionToken {@code AWS_SESSION_TOKEN}, or {@code null}
     */
    public record S3Settings(S3StoreConfig store, String accessKeyId, String secretAccessKey, String sessionToken) {

        /**
         * Each variable and the {@link S3ObjectStoreProvider} property it sets: the provider reads
         * and checks them, and its messages are shown with the variable's name.
         */
        private static final Map<String, String> VARIABLE_TO_PROPERTY = variableToProperty();

        /** Checks the credentials come as a pair. */
        public S3Settings {
            Objects.requireNonNull(store, "store");
            if ((accessKeyId == null) != (secretAccessKey == null)) {
                throw new ConfigurationException("invalid AWS credentials: set both AWS_ACCESS_KEY_ID and"
                        + " AWS_SECRET_ACCESS_KEY, or neither to use the default credential chain");
            }
            if (sessionToken != null && accessKeyId == null) {
                throw new ConfigurationException("invalid AWS_SESSION_TOKEN: it needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            }
        }

        /** Reads the S3 settings; {@code null} when {@code S3_BUCKET_NAME} is unset. */
        static S3Settings from(EnvironmentVariables env) {
            if (env.string("S3_BUCKET_NAME") == null) {
                for (String dependent : VARIABLE_TO_PROPERTY.keySet()) {
                    if (!dependent.equals("AWS_REGION") && env.isSet(dependent)) {
                        throw new ConfigurationException("invalid " + dependent + ": it is set but S3_BUCKET_NAME is not;"
                                + " set S3_BUCKET_NAME to store images in S3, or unset " + dependent);
                    }
                }
                return null;
            }
            Map<String, String> properties = new LinkedHashMap<>();
            VARIABLE_TO_PROPERTY.forEach((variable, property) -> {
                String value = env.string(variable);
                if (value != null) {
                    properties.put(property, value);
                }
            });
            Boolean pathStyle = env.optionalBool("S3_PATH_STYLE");
            if (pathStyle != null) {
                properties.put(S3ObjectStoreProvider.PATH_STYLE, pathStyle.toString());
            }
            S3StoreConfig store;
            try {
                store = S3ObjectStoreProvider.storeConfig(new ProviderConfig(properties));
            } catch (ConfigurationException e) {
                throw new ConfigurationException(withVariableNames(e.getMessage()), e);
            }
            return new S3Settings(store, env.string("AWS_ACCESS_KEY_ID"), env.string("AWS_SECRET_ACCESS_KEY"),
                    env.string("AWS_SESSION_TOKEN"));
        }

        /** Shows where the bucket is, never the credentials. */
        @Override
        public String toString() {
            return "S3Settings[bucket=" + store.bucket() + ", region=" + store.region() + ", endpoint="
                    + store.endpointOverride() + ", urlMode=" + store.urlMode() + ", credentials="
                    + (accessKeyId == null ? "default chain" : "static") + "]";
        }

        /** Names the variables instead of the provider's properties in one of its messages. */
        private static String withVariableNames(String message) {
            String renamed = message.replace("property ", "");
            for (Map.Entry<String, String> entry : VARIABLE_TO_PROPERTY.entrySet()) {
                renamed = renamed.replace(entry.getValue(), entry.getKey());
            }
            return "invalid S3 setting: " + renamed;
        }

        private static Map<String, String> variableToProperty() {
            Map<String, String> names = new LinkedHashMap<>();
            names.put("S3_BUCKET_NAME", S3ObjectStoreProvider.BUCKET);
            names.put("AWS_REGION", S3ObjectStoreProvider.REGION);
            names.put("S3_KEY_PREFIX", S3ObjectStoreProvider.PREFIX);
            names.put("S3_ENDPOINT", S3ObjectStoreProvider.ENDPOINT);
            names.put("S3_PATH_STYLE", S3ObjectStoreProvider.PATH_STYLE);
            names.put("S3_URL_MODE", S3ObjectStoreProvider.URL_MODE);
            names.put("S3_PRESIGN_EXPIRY", S3ObjectStoreProvider.PRESIGN_EXPIRY);
            names.put("S3_BASE_URL", S3ObjectStoreProvider.BASE_URL);
            names.put("S3_CACHE_CONTROL", S3ObjectStoreProvider.CACHE_CONTROL);
            names.put("S3_ACL", S3ObjectStoreProvider.ACL);
            return names;
        }
    }

    /**
     * How completion webhooks are delivered.
     *
     * @param secret {@code WEBHOOK_SECRET}: when set, each delivery is signed with HMAC-SHA256;
     *     at least 16 characters; {@code null} for unsigned deliveries
     * @param maxAttempts {@code WEBHOOK_MAX_ATTEMPTS}, 1 to 10, default 5
     * @param timeout {@code WEBHOOK_TIMEOUT_SECONDS}: the longest wait to connect, and then for
     *     the answer, per attempt; 1 to 120 seconds, default 10
     * @param retryBaseDelay the pause before the first retry, doubled for each further one; default 1 s
     * @param retryMaxDelay the longest pause between attempts (a longer {@code Retry-After} is
     *     capped to it); default 30 s
     */
    public record WebhookSettings(String secret, int maxAttempts, Duration timeout, Duration retryBaseDelay,
            Duration retryMaxDelay) {

        /** The shortest accepted secret. */
        public static final int MIN_SECRET_LENGTH = 16;

        /** Checks the ranges. */
        public WebhookSettings {
            if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
                throw EnvironmentVariables.invalid("WEBHOOK_SECRET", null, "must be at least " + MIN_SECRET_LENGTH
                        + " characters (for example the output of: openssl rand -hex 32)");
            }
            EnvironmentVariables.requireRange("WEBHOOK_MAX_ATTEMPTS", maxAttempts, 1, 10);
            Objects.requireNonNull(timeout, "timeout");
            EnvironmentVariables.requireRange("WEBHOOK_TIMEOUT_SECONDS", timeout.toSeconds(), 1, 120);
            if (retryBaseDelay == null || retryBaseDelay.isNegative() || retryBaseDelay.isZero()
                    || retryMaxDelay == null || retryMaxDelay.compareTo(retryBaseDelay) < 0) {
                throw new ConfigurationException("WebhookSettings.retryBaseDelay must be positive and at most retryMaxDelay");
            }
        }

        static WebhookSettings from(EnvironmentVariables env) {
            return new WebhookSettings(env.string("WEBHOOK_SECRET"), env.integer("WEBHOOK_MAX_ATTEMPTS", 5, 1, 10),
                    Duration.ofSeconds(env.integer("WEBHOOK_TIMEOUT_SECONDS", 10, 1, 120)), Duration.ofSeconds(1),
                    Duration.ofSeconds(30));
        }

        /** @return a copy with other retry pauses (tests) */
        public WebhookSettings withRetryDelays(Duration base, Duration max) {
            return new WebhookSettings(secret, maxAttempts, timeout, base, max);
        }

        /**
         * @param attempt the attempt that just failed, from 1
         * @return the pause before the next one, without jitter
         */
        public Duration retryDelay(int attempt) {
            Duration delay = retryBaseDelay.multipliedBy(1L << Math.min(attempt - 1, 20));
            return delay.compareTo(retryMaxDelay) > 0 ? retryMaxDelay : delay;
        }

        /** @return the longest one delivery can take, every attempt and pause included */
        public Duration maxDeliveryTime() {
            Duration total = timeout.multipliedBy(2L * maxAttempts);
            for (int attempt = 1; attempt < maxAttempts; attempt++) {
                total = total.plus(retryDelay(attempt));
            }
            return total;
        }

        /** Never shows the secret. */
        @Override
        public String toString() {
            return "WebhookSettings[signed=" + (secret != null) + ", maxAttempts=" + maxAttempts + ", timeout=" + timeout
                    + "]";
        }
    }

    /**
     * Concurrency, limits and leases.
     *
     * @param ioWorkers {@code IO_WORKERS}: images in flight at once (fetching, storing); 1 to 1024, default 16
     * @param cpuWorkers {@code CPU_WORKERS}: images decoded and encoded at once; 1 to 256, default the cores
     * @param jpegQuality {@code JPEG_QUALITY}: output quality in percent, 1 to 100, default 50
     * @param maxUploadBytes {@code MAX_UPLOAD_BYTES}: the largest CSV accepted; default 64 MiB
     * @param maxRows {@code MAX_ROWS}: the most products in one CSV; default 200,000
     * @param maxImageBytes {@code MAX_IMAGE_BYTES}: the largest source image downloaded; default 25 MiB
     * @param maxPixels {@code MAX_PIXELS}: the most pixels a source image may have; default 50,000,000
     * @param lease {@code LEASE_SECONDS}: how long a worker's claim on an image lasts before
     *     another may take it over (renewed while it works); 2 to 86,400 seconds, default 120
     * @param maxAttempts {@code MAX_ATTEMPTS}: the most tries per image that end (in success, a failure or a
     *     retry); 1 to 100, default 5
     * @param maxAbandoned {@code MAX_ABANDONED}: the most claims of one image that may be abandoned
     *     (their process died or lost its lease) before the image fails as one that keeps killing its
     *     worker; 0 to 1,000, default 10. Crashes do not use up {@code MAX_ATTEMPTS}
     * @param shutdownTimeout {@code SHUTDOWN_TIMEOUT_SECONDS}: how long a stopping server waits for
     *     images in flight before handing them back; 0 to 3,600 seconds, default 30
     * @param transcodeJpegs {@code TRANSCODE_JPEGS}: whether JPEG sources are recompressed in the
     *     DCT-coefficient domain where they allow it (faster, less memory) rather than decoded to
     *     pixels; default {@code true}
     */
    public record Tuning(int ioWorkers, int cpuWorkers, int jpegQuality, long maxUploadBytes, int maxRows,
            long maxImageBytes, long maxPixels, Duration lease, int maxAttempts, int maxAbandoned, Duration shutdownTimeout,
            boolean transcodeJpegs) {

        /** The largest accepted {@code MAX_UPLOAD_BYTES}: 16 GiB. */
        public static final long MAX_UPLOAD_LIMIT = 16L << 30;

        /** Checks every range, naming the variable. */
        public Tuning {
            EnvironmentVariables.requireRange("IO_WORKERS", ioWorkers, 1, 1024);
            EnvironmentVariables.requireRange("CPU_WORKERS", cpuWorkers, 1, 256);
            EnvironmentVariables.requireRange("JPEG_QUALITY", jpegQuality, 1, 100);
            EnvironmentVariables.requireRange("MAX_UPLOAD_BYTES", maxUploadBytes, 1, MAX_UPLOAD_LIMIT);
            EnvironmentVariables.requireRange("MAX_ROWS", maxRows, 1, 10_000_000);
            EnvironmentVariables.requireRange("MAX_IMAGE_BYTES", maxImageBytes, 1, FetcherConfig.MAX_BYTES_LIMIT);
            EnvironmentVariables.requireRange("MAX_PIXELS", maxPixels, 1, 1_000_000_000L);
            Objects.requireNonNull(lease, "lease");
            EnvironmentVariables.requireRange("LEASE_SECONDS", lease.toSeconds(), 2, 86_400);
            EnvironmentVariables.requireRange("MAX_ATTEMPTS", maxAttempts, 1, 100);
            EnvironmentVariables.requireRange("MAX_ABANDONED", maxAbandoned, 0, 1000);
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            EnvironmentVariables.requireRange("SHUTDOWN_TIMEOUT_SECONDS", shutdownTimeout.toSeconds(), 0, 3600);
        }

        static Tuning from(EnvironmentVariables env) {
            int cores = Math.min(256, Runtime.getRuntime().availableProcessors());
            return new Tuning(
                    env.integer("IO_WORKERS", 16, 1, 1024),
                    env.integer("CPU_WORKERS", cores, 1, 256),
                    env.integer("JPEG_QUALITY", 50, 1, 100),
                    env.longValue("MAX_UPLOAD_BYTES", 64L << 20, 1, MAX_UPLOAD_LIMIT),
                    env.integer("MAX_ROWS", 200_000, 1, 10_000_000),
                    env.longValue("MAX_IMAGE_BYTES", 25L << 20, 1, FetcherConfig.MAX_BYTES_LIMIT),
                    env.longValue("MAX_PIXELS", 50_000_000L, 1, 1_000_000_000L),
                    Duration.ofSeconds(env.integer("LEASE_SECONDS", 120, 2, 86_400)),
                    env.integer("MAX_ATTEMPTS", 5, 1, 100),
                    env.integer("MAX_ABANDONED", 10, 0, 1000),
                    Duration.ofSeconds(env.integer("SHUTDOWN_TIMEOUT_SECONDS", 30, 0, 3600)),
                    env.bool("TRANSCODE_JPEGS", true));
        }
    }

    /**
     * How many fetches one host gets at once, and when a failing host is backed off as a whole.
     *
     * @param maxFetchesPerHost {@code MAX_FETCHES_PER_HOST}: the most fetches from one host (host and
     *     port of the URL) at once, so one slow or dead host cannot hold every I/O worker; 1 to
     *     1,024, default 4
     * @param failuresBeforeBackoff {@code HOST_FAILURES_BEFORE_BACKOFF}: how many fetches from one
     *     host in a row may time out or fail to connect before the whole host is backed off; 1 to
     *     1,000, default 3
     * @param backoff {@code HOST_BACKOFF_SECONDS}: how long such a host is first backed off (doubled
     *     while probes keep failing, up to 5 minutes); 1 to 300 seconds, default 10
     */
    public record HostLimits(int maxFetchesPerHost, int failuresBeforeBackoff, Duration backoff) {

        /** Checks every range, naming the variable. */
        public HostLimits {
            EnvironmentVariables.requireRange("MAX_FETCHES_PER_HOST", maxFetchesPerHost, 1, 1024);
            EnvironmentVariables.requireRange("HOST_FAILURES_BEFORE_BACKOFF", failuresBeforeBackoff, 1, 1000);
            Objects.requireNonNull(backoff, "backoff");
            EnvironmentVariables.requireRange("HOST_BACKOFF_SECONDS", backoff.toSeconds(), 1, 300);
        }

        static HostLimits from(EnvironmentVariables env) {
            return new HostLimits(env.integer("MAX_FETCHES_PER_HOST", 4, 1, 1024),
                    env.integer("HOST_FAILURES_BEFORE_BACKOFF", 3, 1, 1000),
                    Duration.ofSeconds(env.integer("HOST_BACKOFF_SECONDS", 10, 1, 300)));
        }
    }

    /**
     * The memory the images in flight may hold.
     *
     * @param budgetBytes {@code MEMORY_BUDGET_BYTES}: the most bytes that downloaded bodies and
     *     images being compressed hold in the heap at once; from 1 MiB to the maximum heap
     *     ({@code -Xmx}), or {@code 0} (the default) for half the maximum heap. An image that needs
     *     more than the whole budget fails at once, saying so
     * @param spillDir {@code SPILL_DIR}: where downloaded bodies wait, outside the heap, for memory
     *     to be compressed in; default {@code DATA_DIR/spill}. Emptied of a dead process's files at
     *     start-up
     */
    public record MemorySettings(long budgetBytes, Path spillDir) {

        /** The smallest budget accepted: 1 MiB. */
        public static final long MIN_BUDGET_BYTES = EngineConfig.MIN_MEMORY_BUDGET;

        /** Checks the budget fits the heap, naming the variable. */
        public MemorySettings {
            long maxHeap = Runtime.getRuntime().maxMemory();
            if (budgetBytes != 0 && (budgetBytes < MIN_BUDGET_BYTES || budgetBytes > maxHeap)) {
                throw EnvironmentVariables.invalid("MEMORY_BUDGET_BYTES", Long.toString(budgetBytes), "must be 0 (half"
                        + " the maximum heap) or an integer from " + MIN_BUDGET_BYTES + " to " + maxHeap
                        + " (the maximum heap; raise it with -Xmx)");
            }
            Objects.requireNonNull(spillDir, "spillDir");
        }

        static MemorySettings from(EnvironmentVariables env, Path dataDir) {
            long budget = env.longValue("MEMORY_BUDGET_BYTES", 0, 0, Long.MAX_VALUE);
            return new MemorySettings(budget, path(env, "SPILL_DIR", dataDir.resolve("spill")));
        }
    }

    /**
     * How the local image store ({@code DATA_DIR/images}, used without {@code S3_BUCKET_NAME})
     * deletes the temporary files of writes interrupted by a crash.
     *
     * @param tempFileMaxAge {@code TEMP_FILE_MAX_AGE_SECONDS}: how long such a file may go
     *     unmodified before it is deleted; 1 to 604,800 seconds, default 3,600 (a live write
     *     takes moments)
     * @param tempSweepInterval {@code TEMP_SWEEP_INTERVAL_SECONDS}: how often the store looks for
     *     them, starting at start-up; 0 (no background sweep) to 604,800 seconds, default 3,600
     */
    public record FileStoreSettings(Duration tempFileMaxAge, Duration tempSweepInterval) {

        /** Checks the ranges, naming the variable. */
        public FileStoreSettings {
            Objects.requireNonNull(tempFileMaxAge, "tempFileMaxAge");
            Objects.requireNonNull(tempSweepInterval, "tempSweepInterval");
            EnvironmentVariables.requireRange("TEMP_FILE_MAX_AGE_SECONDS", tempFileMaxAge.toSeconds(), 1, 604_800);
            EnvironmentVariables.requireRange("TEMP_SWEEP_INTERVAL_SECONDS", tempSweepInterval.toSeconds(), 0, 604_800);
        }

        static FileStoreSettings from(EnvironmentVariables env) {
            return new FileStoreSettings(Duration.ofSeconds(env.integer("TEMP_FILE_MAX_AGE_SECONDS", 3600, 1, 604_800)),
                    Duration.ofSeconds(env.integer("TEMP_SWEEP_INTERVAL_SECONDS", 3600, 0, 604_800)));
        }
    }

    /**
     * How long clients may take to send requests, so that slow ones cannot hold the threads others
     * need.
     *
     * @param idleTimeout {@code HTTP_IDLE_TIMEOUT_SECONDS}: how long a connection may send nothing
     *     while a request is read (or between requests) before it is closed; 1 to 3,600 seconds,
     *     default 30
     * @param uploadTimeout {@code UPLOAD_TIMEOUT_SECONDS}: how long the whole body of an upload may
     *     take to arrive, however steadily it trickles; a slower upload is answered {@code 408} and
     *     its connection closed; 1 to 86,400 seconds, default 120
     * @param maxConcurrentUploads {@code MAX_CONCURRENT_UPLOADS}: the most uploads whose bodies are
     *     read at once; a further one is answered {@code 503} with {@code Retry-After} at once,
     *     leaving the other threads to status reads and downloads; 1 to 200, default 64
     */
    public record HttpSettings(Duration idleTimeout, Duration uploadTimeout, int maxConcurrentUploads) {

        /** The most uploads read at once that can be configured, below the server's 250 threads. */
        public static final int MAX_CONCURRENT_UPLOADS_LIMIT = 200;

        /** Checks the ranges, naming the variable. */
        public HttpSettings {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(uploadTimeout, "uploadTimeout");
            EnvironmentVariables.requireRange("HTTP_IDLE_TIMEOUT_SECONDS", idleTimeout.toSeconds(), 1, 3600);
            EnvironmentVariables.requireRange("UPLOAD_TIMEOUT_SECONDS", uploadTimeout.toSeconds(), 1, 86_400);
            EnvironmentVariables.requireRange("MAX_CONCURRENT_UPLOADS", maxConcurrentUploads, 1, MAX_CONCURRENT_UPLOADS_LIMIT);
        }

        static HttpSettings from(EnvironmentVariables env) {
            return new HttpSettings(Duration.ofSeconds(env.integer("HTTP_IDLE_TIMEOUT_SECONDS", 30, 1, 3600)),
                    Duration.ofSeconds(env.integer("UPLOAD_TIMEOUT_SECONDS", 120, 1, 86_400)),
                    env.integer("MAX_CONCURRENT_UPLOADS", 64, 1, MAX_CONCURRENT_UPLOADS_LIMIT));
        }
    }
}

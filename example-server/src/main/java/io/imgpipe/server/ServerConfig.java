package io.imgpipe.server;

import com.mongodb.ConnectionString;
import io.imgpipe.ConfigurationException;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.s3.S3StoreConfig;
import io.imgpipe.s3.UrlMode;
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
 */
public record ServerConfig(String host, int port, URI publicBaseUrl, Role role, Path dataDir,
        PostgresSettings postgres, MongoSettings mongo, S3Settings s3, boolean fetchAllowPrivateNetworks, WebhookSettings webhook, Tuning tuning) {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]+");

    /** Validates the settings that depend on each other. */
    public ServerConfig {
        if (host == null || !HOST.matcher(host).matches()) {
            throw Settings.invalid("HOST", String.valueOf(host), "must be a host name or IP address such as 0.0.0.0");
        }
        Settings.requireRange("PORT", port, 0, 65535);
        if (publicBaseUrl != null) {
            publicBaseUrl = withoutTrailingSlash(Settings.requireHttpUrl("PUBLIC_BASE_URL", publicBaseUrl.toString()));
        }
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(tuning, "tuning");
        if (postgres != null && mongo != null) {
            throw new ConfigurationException("invalid DATABASE_URL and MONGODB_URI: both are set; set DATABASE_URL"
                    + " for PostgreSQL or MONGODB_URI for MongoDB, not both");
        }
        if (role != Role.ALL && postgres == null && mongo == null) {
            throw Settings.invalid("ROLE", role.settingValue(), "the api and worker roles share work through a shared"
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
     *       {@code MAX_ATTEMPTS}, {@code SHUTDOWN_TIMEOUT_SECONDS}</li>
     * </ul>
     *
     * @param variables the variables, for example the environment merged over a {@code .env} file
     * @return the configuration
     * @throws ConfigurationException with one line naming the first invalid variable
     */
    public static ServerConfig fromEnvironment(Map<String, String> variables) {
        Settings settings = new Settings(variables);
        String host = settings.string("HOST", "0.0.0.0");
        int port = settings.integer("PORT", 8080, 0, 65535);
        URI publicBaseUrl = settings.httpUrl("PUBLIC_BASE_URL");
        Role role = role(settings);
        Path dataDir = path(settings, "DATA_DIR", "./data");
        PostgresSettings postgres = settings.isSet("DATABASE_URL") ? PostgresSettings.from(settings) : null;
        MongoSettings mongo = settings.isSet("MONGODB_URI") ? MongoSettings.from(settings) : null;
        S3Settings s3 = S3Settings.from(settings);
        boolean allowPrivate = settings.bool("FETCH_ALLOW_PRIVATE_NETWORKS", false);
        return new ServerConfig(host, port, publicBaseUrl, role, dataDir, postgres, mongo, s3, allowPrivate,
                WebhookSettings.from(settings), Tuning.from(settings));
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
                + ", webhook=" + webhook + ", tuning=" + tuning + "]";
    }

    private static Role role(Settings settings) {
        String value = settings.string("ROLE", "all");
        try {
            return Role.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Settings.invalid("ROLE", value, "must be one of all, api, worker");
        }
    }

    private static Path path(Settings settings, String name, String defaultValue) {
        String value = settings.string(name, defaultValue);
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw Settings.invalid(name, value, "is not a valid path: " + e.getReason());
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
                throw Settings.invalid("DATABASE_URL", null, "must be a jdbc:postgresql://host[:port]/database URL"
                        + " (without DATABASE_URL and MONGODB_URI the server uses its embedded SQLite store)");
            }
            if (schema != null && !SCHEMA.matcher(schema).matches()) {
                throw Settings.invalid("DATABASE_SCHEMA", schema, "must be 1 to 63 lower-case letters, digits or '_',"
                        + " not starting with a digit");
            }
        }

        static PostgresSettings from(Settings settings) {
            String user = settings.string("DATABASE_USER", settings.string("PGUSER"));
            String password = settings.string("DATABASE_PASSWORD", settings.string("PGPASSWORD"));
            return new PostgresSettings(settings.string("DATABASE_URL"), user, password, settings.string("DATABASE_SCHEMA"));
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
                throw Settings.invalid("MONGODB_URI", null, "must be a mongodb:// or mongodb+srv:// connection string");
            }
            try {
                new ConnectionString(uri);
            } catch (IllegalArgumentException e) {
                throw Settings.invalid("MONGODB_URI", null, "not a valid MongoDB connection string: " + e.getMessage());
            }
            if (database == null || !DATABASE.matcher(database).matches()) {
                throw Settings.invalid("MONGODB_DATABASE", String.valueOf(database),
                        "must be 1 to 63 letters, digits, '_' or '-'");
            }
        }

        static MongoSettings from(Settings settings) {
            String uri = settings.string("MONGODB_URI");
            return new MongoSettings(uri, settings.string("MONGODB_DATABASE", databaseIn(uri)));
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

        private static final Map<String, String> FIELD_TO_VARIABLE = fieldNames();

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

        /** @return the settings, or {@code null} when {@code S3_BUCKET_NAME} is unset */
        static S3Settings from(Settings settings) {
            String bucket = settings.string("S3_BUCKET_NAME");
            if (bucket == null) {
                for (String dependent : new String[] {"S3_ENDPOINT", "S3_URL_MODE", "S3_BASE_URL", "S3_PATH_STYLE",
                        "S3_KEY_PREFIX", "S3_ACL"}) {
                    if (settings.isSet(dependent)) {
                        throw new ConfigurationException("invalid " + dependent + ": it is set but S3_BUCKET_NAME is not;"
                                + " set S3_BUCKET_NAME to store images in S3, or unset " + dependent);
                    }
                }
                return null;
            }
            UrlMode mode = urlMode(settings);
            URI endpoint = settings.httpUrl("S3_ENDPOINT");
            URI baseUrl = settings.httpUrl("S3_BASE_URL");
            Boolean pathStyle = settings.optionalBool("S3_PATH_STYLE");
            try {
                S3StoreConfig.Builder builder = S3StoreConfig.builder(bucket)
                        .region(settings.string("AWS_REGION"))
                        .endpointOverride(endpoint)
                        .urlMode(mode)
                        .keyPrefix(settings.string("S3_KEY_PREFIX", ""))
                        .acl(settings.string("S3_ACL"));
                if (baseUrl != null) {
                    builder.baseUrl(baseUrl);
                }
                if (pathStyle != null) {
                    builder.pathStyleAccess(pathStyle);
                }
                return new S3Settings(builder.build(), settings.string("AWS_ACCESS_KEY_ID"),
                        settings.string("AWS_SECRET_ACCESS_KEY"), settings.string("AWS_SESSION_TOKEN"));
            } catch (ConfigurationException e) {
                throw new ConfigurationException(renameFields(e.getMessage()), e);
            }
        }

        /** Shows where the bucket is, never the credentials. */
        @Override
        public String toString() {
            return "S3Settings[bucket=" + store.bucket() + ", region=" + store.region() + ", endpoint="
                    + store.endpointOverride() + ", urlMode=" + store.urlMode() + ", credentials="
                    + (accessKeyId == null ? "default chain" : "static") + "]";
        }

        private static UrlMode urlMode(Settings settings) {
            String value = settings.string("S3_URL_MODE", "public");
            switch (value.toLowerCase(Locale.ROOT)) {
                case "public":
                    return UrlMode.PUBLIC;
                case "presigned":
                    return UrlMode.PRESIGNED;
                case "base-url":
                    return UrlMode.BASE_URL;
                default:
                    throw Settings.invalid("S3_URL_MODE", value, "must be one of public, presigned, base-url");
            }
        }

        private static String renameFields(String message) {
            String renamed = message;
            for (Map.Entry<String, String> field : FIELD_TO_VARIABLE.entrySet()) {
                renamed = renamed.replace(field.getKey(), field.getValue());
            }
            return renamed.startsWith("invalid ") ? renamed : "invalid S3 setting: " + renamed;
        }

        private static Map<String, String> fieldNames() {
            Map<String, String> names = new LinkedHashMap<>();
            names.put("BASE_URL", "base-url");
            names.put("PRESIGNED", "presigned");
            names.put("PUBLIC", "public");
            names.put("S3StoreConfig.bucket", "S3_BUCKET_NAME");
            names.put("S3StoreConfig.region", "AWS_REGION");
            names.put("S3StoreConfig.keyPrefix", "S3_KEY_PREFIX");
            names.put("S3StoreConfig.endpointOverride", "S3_ENDPOINT");
            names.put("S3StoreConfig.pathStyleAccess", "S3_PATH_STYLE");
            names.put("S3StoreConfig.urlMode", "S3_URL_MODE");
            names.put("S3StoreConfig.baseUrl", "S3_BASE_URL");
            names.put("S3StoreConfig.acl", "S3_ACL");
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
                throw Settings.invalid("WEBHOOK_SECRET", null, "must be at least " + MIN_SECRET_LENGTH
                        + " characters (for example the output of: openssl rand -hex 32)");
            }
            Settings.requireRange("WEBHOOK_MAX_ATTEMPTS", maxAttempts, 1, 10);
            Objects.requireNonNull(timeout, "timeout");
            Settings.requireRange("WEBHOOK_TIMEOUT_SECONDS", timeout.toSeconds(), 1, 120);
            if (retryBaseDelay == null || retryBaseDelay.isNegative() || retryBaseDelay.isZero()
                    || retryMaxDelay == null || retryMaxDelay.compareTo(retryBaseDelay) < 0) {
                throw new ConfigurationException("WebhookSettings.retryBaseDelay must be positive and at most retryMaxDelay");
            }
        }

        static WebhookSettings from(Settings settings) {
            return new WebhookSettings(settings.string("WEBHOOK_SECRET"), settings.integer("WEBHOOK_MAX_ATTEMPTS", 5, 1, 10),
                    Duration.ofSeconds(settings.integer("WEBHOOK_TIMEOUT_SECONDS", 10, 1, 120)), Duration.ofSeconds(1),
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
     * @param maxAttempts {@code MAX_ATTEMPTS}: the most tries per image; 1 to 100, default 5
     * @param shutdownTimeout {@code SHUTDOWN_TIMEOUT_SECONDS}: how long a stopping server waits for
     *     images in flight before handing them back; 0 to 3,600 seconds, default 30
     */
    public record Tuning(int ioWorkers, int cpuWorkers, int jpegQuality, long maxUploadBytes, int maxRows,
            long maxImageBytes, long maxPixels, Duration lease, int maxAttempts, Duration shutdownTimeout) {

        /** The largest accepted {@code MAX_UPLOAD_BYTES}: 16 GiB. */
        public static final long MAX_UPLOAD_LIMIT = 16L << 30;

        /** Checks every range, naming the variable. */
        public Tuning {
            Settings.requireRange("IO_WORKERS", ioWorkers, 1, 1024);
            Settings.requireRange("CPU_WORKERS", cpuWorkers, 1, 256);
            Settings.requireRange("JPEG_QUALITY", jpegQuality, 1, 100);
            Settings.requireRange("MAX_UPLOAD_BYTES", maxUploadBytes, 1, MAX_UPLOAD_LIMIT);
            Settings.requireRange("MAX_ROWS", maxRows, 1, 10_000_000);
            Settings.requireRange("MAX_IMAGE_BYTES", maxImageBytes, 1, FetcherConfig.MAX_BYTES_LIMIT);
            Settings.requireRange("MAX_PIXELS", maxPixels, 1, 1_000_000_000L);
            Objects.requireNonNull(lease, "lease");
            Settings.requireRange("LEASE_SECONDS", lease.toSeconds(), 2, 86_400);
            Settings.requireRange("MAX_ATTEMPTS", maxAttempts, 1, 100);
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            Settings.requireRange("SHUTDOWN_TIMEOUT_SECONDS", shutdownTimeout.toSeconds(), 0, 3600);
        }

        static Tuning from(Settings settings) {
            int cores = Math.min(256, Runtime.getRuntime().availableProcessors());
            return new Tuning(
                    settings.integer("IO_WORKERS", 16, 1, 1024),
                    settings.integer("CPU_WORKERS", cores, 1, 256),
                    settings.integer("JPEG_QUALITY", 50, 1, 100),
                    settings.longValue("MAX_UPLOAD_BYTES", 64L << 20, 1, MAX_UPLOAD_LIMIT),
                    settings.integer("MAX_ROWS", 200_000, 1, 10_000_000),
                    settings.longValue("MAX_IMAGE_BYTES", 25L << 20, 1, FetcherConfig.MAX_BYTES_LIMIT),
                    settings.longValue("MAX_PIXELS", 50_000_000L, 1, 1_000_000_000L),
                    Duration.ofSeconds(settings.integer("LEASE_SECONDS", 120, 2, 86_400)),
                    settings.integer("MAX_ATTEMPTS", 5, 1, 100),
                    Duration.ofSeconds(settings.integer("SHUTDOWN_TIMEOUT_SECONDS", 30, 0, 3600)));
        }
    }
}

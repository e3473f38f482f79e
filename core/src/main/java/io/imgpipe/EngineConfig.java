package io.imgpipe;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ProcessingEngine}: concurrency, memory, leases and retries. Immutable;
 * make one with {@link #builder()} and change one with {@link #toBuilder()}.
 *
 * @param workerId names this engine (or this process) in leases and logs; each engine adds a
 *     short random suffix, so engines sharing a configuration stay distinct. Default: process id
 *     and host name
 * @param ioConcurrency the most tasks this engine holds at once, each on an I/O thread (fetching,
 *     waiting for memory, storing) or waiting for its host; default 16
 * @param cpuConcurrency the most images decoded and encoded at once; default the number of cores
 * @param memoryBudget the most bytes that the tasks in flight hold in the heap at once:
 *     downloaded bodies (reserved before they are read, and counted twice, since a decoder reading
 *     one through an ImageIO stream copies it) and what the compressor needs while it runs
 *     ({@link io.imgpipe.spi.ImageInfo#workingBytes()}), so that no number of large downloads or
 *     images can exhaust the heap. A body waits for room before it is read; a task that holds its
 *     body but cannot get its working memory within a second waits with its body in a file in
 *     {@code spillDirectory}, holding nothing. A body or image needing more than the whole budget
 *     fails at once, saying how much it needs. Default half the maximum heap ({@code -Xmx}); at
 *     least 1 MiB and at most the maximum heap. The other half is for everything else: the JVM's
 *     own needs, the repository, whatever a compressor uses beyond its estimate, and the free
 *     room the garbage collector needs to place large arrays
 * @param spillDirectory where bodies wait, out of the heap, for memory to be compressed in; files
 *     are deleted as soon as they are read back, and those left by a process that died are
 *     deleted when an engine starts; default {@code imgpipe-spill} in {@code java.io.tmpdir}
 * @param maxFetchesPerHost the most fetches from one host (host and port of the URL as
 *     submitted) at once, so that one slow or dead host cannot hold every I/O slot; default 4. A
 *     claimed task whose host is at its limit waits without an I/O slot, its lease renewed; while
 *     such tasks fill the remaining slots, the engine still looks for other requests' work every
 *     poll interval and trades a waiting task for it
 * @param hostFailuresBeforeBackoff how many fetches from one host in a row may time out or fail
 *     to connect before the whole host is backed off; default 3. While a host is backed off, its
 *     tasks are not fetched: each claim of one uses an attempt at once and is retried after the
 *     back-off, so the images of a host that stays dead fail after their attempts without holding
 *     I/O slots for a timeout each
 * @param hostBackoff how long a host is first backed off; default 10 seconds. Then one fetch at a
 *     time probes it: an answer ends the back-off, another failure doubles it. Every back-off is
 *     capped by {@code retryMaxDelay}, this first one included
 * @param claimBatchSize the most tasks claimed in one repository call; default 8
 * @param leaseDuration how long a claim lasts before other workers may take the task over;
 *     renewed (on a thread of its own) while the task is in flight; default 2 minutes. A worker
 *     that dies delays its tasks by at most this long
 * @param maxAttempts the most times a task is tried before it fails; default 5. Only tries that end
 *     (in success, a failure, or a retry) count: a claim abandoned because its worker died or lost
 *     its lease does not
 * @param maxAbandoned the most claims of one task that may be abandoned (their worker died or lost
 *     the lease) before the task fails as an image that keeps killing its worker; default 10
 * @param retryBaseDelay the back-off before the first retry, doubled per attempt, with full
 *     jitter; default 1 second
 * @param retryMaxDelay the longest back-off; default 5 minutes (a longer {@code Retry-After} is capped to it)
 * @param pollInterval how long an idle engine waits before looking for work again; default 500 ms.
 *     While it keeps finding none the wait doubles, up to 8 poll intervals; work submitted
 *     through the same engine is picked up at once
 * @param housekeepingInterval how often requests left unfinished and notifications left
 *     unannounced by dead workers are swept up; default 10 seconds
 * @param notificationLease how long a completion notification is held before another engine may
 *     deliver it, if its holder stops renewing it (it is renewed while queued or being
 *     delivered); default 2 minutes
 * @param shutdownTimeout how long {@link ProcessingEngine#close()} waits for tasks in flight
 *     before releasing them; default 30 seconds
 */
public record EngineConfig(
        String workerId,
        int ioConcurrency,
        int cpuConcurrency,
        long memoryBudget,
        Path spillDirectory,
        int maxFetchesPerHost,
        int hostFailuresBeforeBackoff,
        Duration hostBackoff,
        int claimBatchSize,
        Duration leaseDuration,
        int maxAttempts,
        int maxAbandoned,
        Duration retryBaseDelay,
        Duration retryMaxDelay,
        Duration pollInterval,
        Duration housekeepingInterval,
        Duration notificationLease,
        Duration shutdownTimeout) {

    /** The smallest {@link #memoryBudget()}: 1 MiB. */
    public static final long MIN_MEMORY_BUDGET = 1024 * 1024;

    /** Validates every field, naming the first one out of range. */
    public EngineConfig {
        if (workerId == null || workerId.isBlank()) {
            throw new ConfigurationException("EngineConfig.workerId must not be blank");
        }
        requireAtLeast("ioConcurrency", ioConcurrency, 1);
        requireAtLeast("cpuConcurrency", cpuConcurrency, 1);
        requireAtLeast("memoryBudget", memoryBudget, MIN_MEMORY_BUDGET);
        if (memoryBudget > Runtime.getRuntime().maxMemory()) {
            throw new ConfigurationException("EngineConfig.memoryBudget (" + memoryBudget + " bytes) must not be more"
                    + " than the maximum heap (" + Runtime.getRuntime().maxMemory() + " bytes, -Xmx): a budget the heap"
                    + " cannot hold cannot keep the engine within the heap");
        }
        Objects.requireNonNull(spillDirectory, "EngineConfig.spillDirectory");
        requireAtLeast("maxFetchesPerHost", maxFetchesPerHost, 1);
        requireAtLeast("hostFailuresBeforeBackoff", hostFailuresBeforeBackoff, 1);
        requirePositive("hostBackoff", hostBackoff);
        requireAtLeast("claimBatchSize", claimBatchSize, 1);
        requireAtLeast("maxAttempts", maxAttempts, 1);
        requireAtLeast("maxAbandoned", maxAbandoned, 0);
        requirePositive("leaseDuration", leaseDuration);
        requirePositive("retryBaseDelay", retryBaseDelay);
        requirePositive("retryMaxDelay", retryMaxDelay);
        requirePositive("pollInterval", pollInterval);
        requirePositive("housekeepingInterval", housekeepingInterval);
        requirePositive("notificationLease", notificationLease);
        Objects.requireNonNull(shutdownTimeout, "EngineConfig.shutdownTimeout");
        if (shutdownTimeout.isNegative()) {
            throw new ConfigurationException("EngineConfig.shutdownTimeout must not be negative, got " + shutdownTimeout);
        }
        if (retryMaxDelay.compareTo(retryBaseDelay) < 0) {
            throw new ConfigurationException("EngineConfig.retryMaxDelay (" + retryMaxDelay
                    + ") must not be shorter than retryBaseDelay (" + retryBaseDelay + ")");
        }
    }

    /** {@return the defaults} */
    public static EngineConfig defaults() {
        return builder().build();
    }

    /** {@return a builder holding the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding these settings} */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void requireAtLeast(String name, long value, long min) {
        if (value < min) {
            throw new ConfigurationException("EngineConfig." + name + " must be at least " + min + ", got " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, "EngineConfig." + name);
        if (value.isZero() || value.isNegative()) {
            throw new ConfigurationException("EngineConfig." + name + " must be positive, got " + value);
        }
    }

    /** Builds an {@link EngineConfig}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String workerId = defaultWorkerId();
        private int ioConcurrency = 16;
        private int cpuConcurrency = Runtime.getRuntime().availableProcessors();
        private long memoryBudget = Math.max(MIN_MEMORY_BUDGET, Runtime.getRuntime().maxMemory() / 2);
        private Path spillDirectory = Path.of(System.getProperty("java.io.tmpdir"), "imgpipe-spill");
        private int maxFetchesPerHost = 4;
        private int hostFailuresBeforeBackoff = 3;
        private Duration hostBackoff = Duration.ofSeconds(10);
        private int claimBatchSize = 8;
        private Duration leaseDuration = Duration.ofMinutes(2);
        private int maxAttempts = 5;
        private int maxAbandoned = 10;
        private Duration retryBaseDelay = Duration.ofSeconds(1);
        private Duration retryMaxDelay = Duration.ofMinutes(5);
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration housekeepingInterval = Duration.ofSeconds(10);
        private Duration notificationLease = Duration.ofMinutes(2);
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        private Builder(EngineConfig c) {
            workerId = c.workerId;
            ioConcurrency = c.ioConcurrency;
            cpuConcurrency = c.cpuConcurrency;
            memoryBudget = c.memoryBudget;
            spillDirectory = c.spillDirectory;
            maxFetchesPerHost = c.maxFetchesPerHost;
            hostFailuresBeforeBackoff = c.hostFailuresBeforeBackoff;
            hostBackoff = c.hostBackoff;
            claimBatchSize = c.claimBatchSize;
            leaseDuration = c.leaseDuration;
            maxAttempts = c.maxAttempts;
            maxAbandoned = c.maxAbandoned;
            retryBaseDelay = c.retryBaseDelay;
            retryMaxDelay = c.retryMaxDelay;
            pollInterval = c.pollInterval;
            housekeepingInterval = c.housekeepingInterval;
            notificationLease = c.notificationLease;
            shutdownTimeout = c.shutdownTimeout;
        }

        /**
         * Sets {@link EngineConfig#workerId()}.
         *
         * @param value see {@link EngineConfig#workerId()}
         * @return this builder
         */
        public Builder workerId(String value) {
            workerId = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#ioConcurrency()}.
         *
         * @param value see {@link EngineConfig#ioConcurrency()}
         * @return this builder
         */
        public Builder ioConcurrency(int value) {
            ioConcurrency = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#cpuConcurrency()}.
         *
         * @param value see {@link EngineConfig#cpuConcurrency()}
         * @return this builder
         */
        public Builder cpuConcurrency(int value) {
            cpuConcurrency = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#memoryBudget()}.
         *
         * @param value see {@link EngineConfig#memoryBudget()}
         * @return this builder
         */
        public Builder memoryBudget(long value) {
            memoryBudget = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#spillDirectory()}.
         *
         * @param value see {@link EngineConfig#spillDirectory()}
         * @return this builder
         */
        public Builder spillDirectory(Path value) {
            spillDirectory = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#maxFetchesPerHost()}.
         *
         * @param value see {@link EngineConfig#maxFetchesPerHost()}
         * @return this builder
         */
        public Builder maxFetchesPerHost(int value) {
            maxFetchesPerHost = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#hostFailuresBeforeBackoff()}.
         *
         * @param value see {@link EngineConfig#hostFailuresBeforeBackoff()}
         * @return this builder
         */
        public Builder hostFailuresBeforeBackoff(int value) {
            hostFailuresBeforeBackoff = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#hostBackoff()}.
         *
         * @param value see {@link EngineConfig#hostBackoff()}
         * @return this builder
         */
        public Builder hostBackoff(Duration value) {
            hostBackoff = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#claimBatchSize()}.
         *
         * @param value see {@link EngineConfig#claimBatchSize()}
         * @return this builder
         */
        public Builder claimBatchSize(int value) {
            claimBatchSize = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#leaseDuration()}.
         *
         * @param value see {@link EngineConfig#leaseDuration()}
         * @return this builder
         */
        public Builder leaseDuration(Duration value) {
            leaseDuration = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#maxAttempts()}.
         *
         * @param value see {@link EngineConfig#maxAttempts()}
         * @return this builder
         */
        public Builder maxAttempts(int value) {
            maxAttempts = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#maxAbandoned()}.
         *
         * @param value see {@link EngineConfig#maxAbandoned()}
         * @return this builder
         */
        public Builder maxAbandoned(int value) {
            maxAbandoned = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#retryBaseDelay()}.
         *
         * @param value see {@link EngineConfig#retryBaseDelay()}
         * @return this builder
         */
        public Builder retryBaseDelay(Duration value) {
            retryBaseDelay = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#retryMaxDelay()}.
         *
         * @param value see {@link EngineConfig#retryMaxDelay()}
         * @return this builder
         */
        public Builder retryMaxDelay(Duration value) {
            retryMaxDelay = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#pollInterval()}.
         *
         * @param value see {@link EngineConfig#pollInterval()}
         * @return this builder
         */
        public Builder pollInterval(Duration value) {
            pollInterval = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#housekeepingInterval()}.
         *
         * @param value see {@link EngineConfig#housekeepingInterval()}
         * @return this builder
         */
        public Builder housekeepingInterval(Duration value) {
            housekeepingInterval = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#notificationLease()}.
         *
         * @param value see {@link EngineConfig#notificationLease()}
         * @return this builder
         */
        public Builder notificationLease(Duration value) {
            notificationLease = value;
            return this;
        }

        /**
         * Sets {@link EngineConfig#shutdownTimeout()}.
         *
         * @param value see {@link EngineConfig#shutdownTimeout()}
         * @return this builder
         */
        public Builder shutdownTimeout(Duration value) {
            shutdownTimeout = value;
            return this;
        }

        /**
         * {@return the settings}
         *
         * @throws ConfigurationException naming the first field out of range
         */
        public EngineConfig build() {
            return new EngineConfig(workerId, ioConcurrency, cpuConcurrency, memoryBudget, spillDirectory,
                    maxFetchesPerHost, hostFailuresBeforeBackoff, hostBackoff, claimBatchSize, leaseDuration,
                    maxAttempts, maxAbandoned, retryBaseDelay, retryMaxDelay, pollInterval, housekeepingInterval, notificationLease,
                    shutdownTimeout);
        }

        private static String defaultWorkerId() {
            return ManagementFactory.getRuntimeMXBean().getName(); // pid@host
        }
    }
}

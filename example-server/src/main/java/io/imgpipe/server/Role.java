package io.imgpipe.server;

import java.util.Locale;

/** What a server process does, chosen with {@code ROLE}. */
public enum Role {

    /** Serves the whole API and runs workers (the default). */
    ALL,
    /** Serves the whole API and never claims work: the engine is not started. */
    API,
    /** Runs workers and serves only {@code /} and {@code /health}. */
    WORKER;

    /** @return {@code true} if this role serves uploads, status and files */
    public boolean servesApi() {
        return this != WORKER;
    }

    /** @return {@code true} if this role claims and processes images */
    public boolean runsWorkers() {
        return this != API;
    }

    /** @return the name as written in {@code ROLE} */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}

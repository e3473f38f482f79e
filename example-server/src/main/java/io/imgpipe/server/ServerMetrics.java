package io.imgpipe.server;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.jetty12.server.TimedHandler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;

/**
 * The server's meter registry, scraped at {@code /metrics} in the Prometheus text format: the
 * engine's {@code imgpipe.*} meters, the webhook deliveries, the JVM's (memory, GC, threads,
 * class loading, processor, uptime) and Jetty's (requests, connections, thread pool). Closing it
 * stops the GC listener and closes the registry.
 */
final class ServerMetrics implements AutoCloseable {

    /** The path the meters are served at. */
    static final String PATH = "/metrics";
    /** The Prometheus text exposition format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private JettyServerThreadPoolMetrics threadPoolMetrics;

    /** Creates the registry with the JVM's meters bound. */
    ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Returns the registry the engine and the webhook notifier record into. */
    MeterRegistry registry() {
        return registry;
    }

    /**
     * Wraps the server's handler so that every HTTP request is timed.
     *
     * @param handler the server's handler
     * @return {@code handler} wrapped so that every HTTP request is timed ({@code jetty.server.requests})
     */
    Handler timed(Handler handler) {
        TimedHandler timed = new TimedHandler(registry, Tags.empty());
        timed.setHandler(handler);
        return timed;
    }

    /**
     * Binds the connection meters to every connector and the thread pool's meters; call once the
     * server is started (its connectors exist).
     *
     * @param jetty the started server
     */
    synchronized void bindJetty(Server jetty) {
        JettyConnectionMetrics.addToAllConnectors(jetty, registry);
        threadPoolMetrics = new JettyServerThreadPoolMetrics(jetty.getThreadPool(), Tags.empty());
        threadPoolMetrics.bindTo(registry);
    }

    /** Answers {@code GET /metrics}. */
    void serve(Context ctx) {
        ctx.contentType(CONTENT_TYPE).result(registry.scrape());
    }

    @Override
    public synchronized void close() throws Exception {
        gcMetrics.close();
        if (threadPoolMetrics != null) {
            threadPoolMetrics.close();
        }
        registry.close();
    }
}

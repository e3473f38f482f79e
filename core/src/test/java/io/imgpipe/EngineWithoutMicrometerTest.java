package io.imgpipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer is an optional dependency of core: an engine built without a meter registry runs
 * in a class loader that holds the test class path minus every Micrometer jar.
 */
class EngineWithoutMicrometerTest {

    @TempDir
    Path dir;

    @Test
    void anEngineWithoutARegistryRunsWithoutMicrometerOnTheClassPath() throws Exception {
        try (URLClassLoader withoutMicrometer = classPathWithout("micrometer")) {
            assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false,
                    withoutMicrometer)).isInstanceOf(ClassNotFoundException.class);

            Object result = runIn(withoutMicrometer);

            assertThat(result).isEqualTo("failed 1/1");
        }
    }

    @Test
    void theClassThatRecordsMetricsCannotBeLinkedThere() throws Exception {
        try (URLClassLoader withoutMicrometer = classPathWithout("micrometer")) {
            Class<?> metrics = Class.forName("io.imgpipe.internal.MicrometerEngineMetrics", false, withoutMicrometer);

            assertThatThrownBy(metrics::getDeclaredFields).isInstanceOf(NoClassDefFoundError.class)
                    .hasMessageContaining("io/micrometer");
        }
    }

    private Object runIn(ClassLoader loader) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Class<?> run = Class.forName(WithoutMicrometerRun.class.getName(), true, loader);
            assertThat(run.getClassLoader()).isSameAs(loader);
            return run.getMethod("run", Path.class).invoke(null, dir);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static URLClassLoader classPathWithout(String excluded) throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        int dropped = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (new File(entry).getName().contains(excluded)) {
                dropped++;
            } else {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        assertThat(dropped).as("Micrometer jars on the test class path").isPositive();
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }
}

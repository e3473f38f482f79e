package io.imgpipe.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven through chromedriver (Selenium 4), for the console's browser tests.
 *
 * <p>Uses the system's Chromium and chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs where they are missing), or those named
 * by {@code IMGPIPE_CHROMIUM} and {@code IMGPIPE_CHROMEDRIVER}; never downloads a browser or a
 * driver. Where either is missing, {@link #start} skips the test with a message that says so.
 * Each browser has a fresh profile and download directory in a temporary directory, deleted by
 * {@link #close()}.
 */
final class Browser implements AutoCloseable {

    /** How long a test waits for a condition in the page. */
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Desktop window size. */
    static final Dimension DESKTOP = new Dimension(1280, 900);
    /** A small phone's width. */
    static final Dimension PHONE = new Dimension(360, 780);

    private static final List<String> CHROMIUM_CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");
    private static final List<String> DRIVER_CANDIDATES = List.of("/usr/bin/chromedriver",
            "/usr/lib/chromium/chromedriver");

    /**
     * Selenium warns that it has no DevTools bindings for the system's (newer) Chromium; these tests
     * use none. Held here so the setting is not collected with the logger.
     */
    private static final Logger CDP_VERSION_LOG = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    private final ChromeDriver driver;
    private final Path home;
    private final Path downloads;

    private Browser(ChromeDriver driver, Path home, Path downloads) {
        this.driver = driver;
        this.home = home;
        this.downloads = downloads;
    }

    /**
     * @return why the browser tests cannot run here (Chromium or chromedriver is missing), or empty
     *     when they can
     */
    static Optional<String> unavailable() {
        Optional<String> chromium = find("IMGPIPE_CHROMIUM", CHROMIUM_CANDIDATES);
        Optional<String> chromedriver = find("IMGPIPE_CHROMEDRIVER", DRIVER_CANDIDATES);
        if (chromium.isPresent() && chromedriver.isPresent()) {
            return Optional.empty();
        }
        return Optional.of("browser tests skipped: "
                + (chromium.isEmpty() ? "no Chromium (looked for IMGPIPE_CHROMIUM, " + CHROMIUM_CANDIDATES + ")" : "")
                + (chromium.isEmpty() && chromedriver.isEmpty() ? " and " : "")
                + (chromedriver.isEmpty() ? "no chromedriver (looked for IMGPIPE_CHROMEDRIVER, " + DRIVER_CANDIDATES + ")"
                        : "")
                + "; install Debian's chromium and chromium-driver (.ci/run does where it can)");
    }

    /**
     * Starts a headless Chromium at desktop size, or skips the calling test, saying why, if
     * Chromium or chromedriver is not installed.
     *
     * @return the browser
     */
    static Browser start() {
        Optional<String> missing = unavailable();
        Assumptions.assumeTrue(missing.isEmpty(), missing::get);
        String chromium = find("IMGPIPE_CHROMIUM", CHROMIUM_CANDIDATES).orElseThrow();
        String chromedriver = find("IMGPIPE_CHROMEDRIVER", DRIVER_CANDIDATES).orElseThrow();
        Path home;
        Path downloads;
        try {
            home = Files.createTempDirectory("imgpipe-browser-");
            downloads = Files.createDirectory(home.resolve("downloads"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--user-data-dir=" + home.resolve("profile"),
                "--window-size=" + DESKTOP.getWidth() + "," + DESKTOP.getHeight());
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("safebrowsing.enabled", false);
        options.setExperimentalOption("prefs", prefs);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
        return new Browser(driver, home, downloads);
    }

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.OFF);
        return logger;
    }

    private static Optional<String> find(String variable, List<String> candidates) {
        List<String> all = new ArrayList<>();
        String named = System.getenv(variable);
        if (named != null && !named.isBlank()) {
            all.add(named);
        }
        all.addAll(candidates);
        return all.stream().filter(path -> Files.isExecutable(Path.of(path))).findFirst();
    }

    WebDriver driver() {
        return driver;
    }

    /** @return the directory Chromium saves downloads to */
    Path downloads() {
        return downloads;
    }

    /** Sets the window's size (the viewport is a little smaller at desktop size, exact at phone size). */
    void resize(Dimension size) {
        driver.manage().window().setSize(size);
    }

    /** Waits until {@code condition} returns a non-null, non-false value, and returns it. */
    <T> T await(Function<WebDriver, T> condition, String what) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(100)).withMessage(what)
                .ignoring(StaleElementReferenceException.class) // the page re-rendered between find and read
                .until(condition::apply);
    }

    /** @return the script's result in the page */
    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Saves a screenshot of the viewport (for looking at during development; tests do not keep them). */
    void screenshot(Path file) {
        try {
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temporary directory: left for the system to clean
            }
        }
    }
}

package io.imgpipe.server;

import static io.imgpipe.server.ApiClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The web console in a real browser (headless Chromium through chromedriver), against the server
 * on its embedded default with images from a loopback server: uploads through the file input,
 * the live progress bar and thumbnails, refused files, the output CSV download and deletion.
 * Every test also checks that the page logged no error (a script error or a blocked resource).
 */
class ConsoleBrowserIT {

    private static final int UPLOAD_LIMIT = 64 * 1024;
    private static final String HEADER = "S. No.,Product Name,Input Image Urls\n";

    @TempDir
    static Path dataDir;
    @TempDir
    static Path csvDir;

    private static TestHttpServer images;
    private static RunningServer server;
    private static Browser browser;
    private static WebDriver driver;

    /** Why the tests cannot run here, or {@code null}. */
    private static String skipped;

    @BeforeAll
    static void start() {
        skipped = Browser.unavailable().orElse(null);
        if (skipped != null) {
            System.err.println("ConsoleBrowserIT: " + skipped);
            return;
        }
        browser = Browser.start();
        driver = browser.driver();
        images = TestHttpServer.start();
        images.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(320, 200, 1)));
        images.serve("/b.png", Reply.ok("image/png", TestImages.png(200, 150, 2)));
        images.serve("/c.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 3)));
        images.serve("/slow.jpg", Reply.ok("image/jpeg", TestImages.jpeg(240, 160, 4)).delayedBy(Duration.ofSeconds(3)));
        images.serve("/missing.jpg", Reply.status(404));
        server = RunningServer.start(dataDir, Map.of("MAX_UPLOAD_BYTES", Integer.toString(UPLOAD_LIMIT)));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (images != null) {
            images.close();
        }
    }

    @BeforeEach
    void desktop() {
        Assumptions.assumeTrue(skipped == null, skipped); // each test is reported skipped, with the reason
        browser.resize(Browser.DESKTOP);
    }

    @AfterEach
    void noErrorsInThePage() {
        if (skipped != null) {
            return;
        }
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            // a refused upload or a deliberate 404 is logged by Chromium as a failed resource: expected
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
                    && !entry.getMessage().contains("Failed to load resource")) {
                errors.add(entry.getMessage());
            }
        }
        assertThat(errors).as("errors logged in the page (scripts, Content-Security-Policy)").isEmpty();
    }

    @Test
    void uploadsAGoodCsvAndTheBarMovesTo100PercentWithEveryThumbnailShown() {
        Path csv = csvFile("good.csv", HEADER
                + "2,Shirt,\"" + images.url("/a.jpg") + ", " + images.url("/b.png") + "\"\n"
                + "1,Shoes,\"" + images.url("/c.jpg") + ", " + images.url("/slow.jpg") + "\"\n");
        open("/ui/");

        driver.findElement(By.id("file")).sendKeys(csv.toString());
        assertThat(driver.findElement(By.id("file-name")).getText()).isEqualTo("Chosen: good.csv");
        driver.findElement(By.id("upload-button")).click();

        String requestId = awaitRequestPage();
        WebElement bar = driver.findElement(By.id("progress"));
        int before = browser.await(d -> valueNow(bar) >= 0 && valueNow(bar) < 100 ? valueNow(bar) : null,
                "the bar shows the request unfinished while the slow image is fetched");
        assertThat(driver.findElement(By.id("delete")).isEnabled()).as("no delete while unfinished").isFalse();
        browser.await(d -> valueNow(bar) == 100, "the bar reaches 100% without reloading the page");
        assertThat(before).isLessThan(100);
        browser.await(d -> loadedThumbnails() == 4, "all four thumbnails are loaded");
        browser.await(d -> d.findElement(By.id("delete")).isEnabled(), "the request is finished: it may be deleted");

        assertThat(driver.findElement(By.id("status")).getText()).isEqualTo("completed");
        assertThat(driver.findElement(By.id("progress-text")).getText()).isEqualTo("100% · 4 of 4 images finished");
        assertThat(bar.getDomAttribute("role")).isEqualTo("progressbar");
        JsonNode status = server.client().status(requestId);
        List<String> expectedBefore = new ArrayList<>();
        List<String> thumbnails = new ArrayList<>();
        for (JsonNode product : status.get("product")) {
            for (JsonNode image : product.get("images")) {
                expectedBefore.add(String.format(Locale.US, "%,d bytes", image.get("sourceBytes").asLong()));
                thumbnails.add(image.get("compressedUrl").asText());
            }
        }
        List<WebElement> rows = driver.findElements(By.cssSelector("#image-rows tr"));
        assertThat(rows).hasSize(4);
        assertThat(rows).extracting(row -> row.findElement(By.cssSelector("td[data-label=Before]")).getDomAttribute("title"))
                .containsExactlyElementsOf(expectedBefore);
        assertThat(driver.findElements(By.cssSelector("#image-rows img.thumb")))
                .extracting(img -> img.getDomAttribute("src")).containsExactlyElementsOf(thumbnails);
        assertThat(rows.get(0).getText()).contains("Shoes").contains("c.jpg");
        assertThat(rows).allSatisfy(row -> assertThat(row.findElement(By.cssSelector("td.saved")).getText()).endsWith("%"));
        long saved = status.get("savings").get("savedBytes").asLong();
        assertThat(driver.findElement(By.id("savings")).getText())
                .startsWith(saved >= 0 ? "Saved " : "The outputs are")
                .contains(String.format(Locale.US, "(%.1f%%)", status.get("savings").get("savedPercent").asDouble()))
                .contains("over 4 images");
        screenshot("request-desktop");
    }

    @Test
    void showsEachFailedImageWithItsError() {
        String requestId = server.client().uploadCsv(HEADER + "1,Lamp,\"" + images.url("/c.jpg") + ","
                + images.url("/missing.jpg") + "\"\n");
        open("/ui/request.html?id=" + requestId);

        browser.await(d -> "failed".equals(d.findElement(By.id("status")).getText()), "the request ends failed");

        WebElement failedRow = driver.findElement(By.cssSelector("#image-rows tr[data-status=failed]"));
        assertThat(failedRow.findElement(By.cssSelector("td[data-label=Error]")).getText()).contains("404");
        assertThat(failedRow.findElement(By.cssSelector("td[data-label=Output]")).getText()).isEqualTo("none");
        assertThat(driver.findElement(By.id("progress-text")).getText()).isEqualTo("100% · 2 of 2 images finished, 1 failed");
        assertThat(driver.findElement(By.id("failed-count")).getText()).isEqualTo("1");
    }

    @Test
    void listsEveryProblemOfARefusedCsvWithItsLineAndColumn() {
        Path csv = csvFile("bad.csv", HEADER
                + "1,Good," + images.url("/a.jpg") + "\n"
                + "2,Bad,ftp://example.com/x.jpg\n"
                + "3,,https://example.com/y.jpg\n");
        open("/ui/");

        driver.findElement(By.id("file")).sendKeys(csv.toString());
        driver.findElement(By.id("upload-button")).click();

        browser.await(d -> d.findElement(By.id("problems")).isDisplayed(), "the problems table is shown");
        assertThat(driver.findElement(By.id("upload-message")).getText())
                .isEqualTo("The CSV was refused: 2 problems found. Nothing was stored.");
        List<List<String>> problems = new ArrayList<>();
        for (WebElement row : driver.findElements(By.cssSelector("#problem-rows tr"))) {
            problems.add(row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList());
        }
        assertThat(problems).extracting(p -> p.get(0) + "|" + p.get(1))
                .containsExactly("3|Input Image Urls", "4|Product Name");
        assertThat(problems.get(0).get(2)).contains("ftp://example.com/x.jpg");
        assertThat(driver.findElements(By.cssSelector("#problems th[scope=col]"))).extracting(WebElement::getText)
                .containsExactly("LINE", "COLUMN", "PROBLEM");
        assertThat(driver.getCurrentUrl()).endsWith("/ui/");
        screenshot("problems-desktop");
    }

    @Test
    void saysWhyAnUploadOverTheSizeLimitIsRefused() {
        StringBuilder big = new StringBuilder(HEADER);
        for (int i = 1; big.length() < UPLOAD_LIMIT + 8 * 1024; i++) {
            big.append(i).append(",Product ").append(i).append(',').append(images.url("/a.jpg")).append('\n');
        }
        Path csv = csvFile("big.csv", big.toString());
        open("/ui/");

        driver.findElement(By.id("file")).sendKeys(csv.toString());
        driver.findElement(By.id("upload-button")).click();

        WebElement message = driver.findElement(By.id("upload-message"));
        browser.await(d -> message.isDisplayed(), "the refusal is shown");
        assertThat(message.getText()).startsWith("The file is too large.").contains(Integer.toString(UPLOAD_LIMIT));
        assertThat(driver.findElement(By.id("problems")).isDisplayed()).isFalse();
    }

    @Test
    void uploadsAFileDroppedOnTheDropZone() {
        open("/ui/");

        browser.script("const file = new File([arguments[0]], 'dropped.csv', {type: 'text/csv'});"
                + "const data = new DataTransfer(); data.items.add(file);"
                + "const zone = document.getElementById('drop-zone');"
                + "zone.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data}));"
                + "zone.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));",
                HEADER + "1,Cap," + images.url("/c.jpg") + "\n");
        assertThat(driver.findElement(By.id("file-name")).getText()).isEqualTo("Chosen: dropped.csv");
        driver.findElement(By.id("upload-button")).click();

        String requestId = awaitRequestPage();
        browser.await(d -> "completed".equals(d.findElement(By.id("status")).getText()), "the dropped file's request completes");
        assertThat(server.client().status(requestId).get("product").get(0).get("productName").asText()).isEqualTo("Cap");
    }

    @Test
    void downloadsTheOutputCsv() throws IOException {
        String requestId = server.client().uploadCsv(HEADER + "1,Hat,\"" + images.url("/a.jpg") + ", "
                + images.url("/c.jpg") + "\"\n2,Scarf," + images.url("/b.png") + "\n");
        server.client().awaitFinished(requestId);
        open("/ui/request.html?id=" + requestId);
        browser.await(d -> valueNow(d.findElement(By.id("progress"))) == 100, "the page shows the finished request");

        driver.findElement(By.id("download")).click();

        Path downloaded = browser.downloads().resolve(requestId + ".csv");
        browser.await(d -> Files.isRegularFile(downloaded) && !Files.exists(Path.of(downloaded + ".crdownload")),
                "the CSV is saved in the download directory");
        String expected = text(server.client().get("/product/status/" + requestId + "/csv"));
        assertThat(Files.readString(downloaded, StandardCharsets.UTF_8)).isEqualTo(expected)
                .startsWith("S. No.,Product Name,Input Image Urls,Output Image Urls").contains("Scarf");
    }

    @Test
    void deletesAFinishedRequestAfterConfirmation() {
        String requestId = server.client().uploadCsv(HEADER + "1,Belt," + images.url("/c.jpg") + "\n");
        JsonNode finished = server.client().awaitFinished(requestId);
        URI output = URI.create(finished.get("product").get(0).get("images").get(0).get("compressedUrl").asText());
        open("/ui/request.html?id=" + requestId);
        WebElement delete = driver.findElement(By.id("delete"));
        browser.await(d -> delete.isEnabled(), "the delete button is enabled once the request has finished");

        delete.click();
        WebElement confirm = driver.findElement(By.id("confirm-delete"));
        assertThat(confirm.isDisplayed()).isTrue();
        assertThat(driver.switchTo().activeElement()).as("focus moves to the confirmation").isEqualTo(confirm);
        assertThat(server.client().get("/product/status/" + requestId).statusCode()).as("nothing deleted yet").isEqualTo(200);
        confirm.click();

        browser.await(d -> d.getCurrentUrl().contains("/ui/?deleted="), "back on the request list");
        assertThat(driver.findElement(By.id("notice")).getText()).contains(requestId).contains("deleted");
        browser.await(d -> !d.findElements(By.cssSelector("#request-rows tr")).isEmpty()
                || d.findElement(By.id("requests-empty")).isDisplayed(), "the list is loaded");
        assertThat(driver.findElements(By.cssSelector("#request-rows tr[data-request-id='" + requestId + "']"))).isEmpty();
        assertThat(server.client().get("/product/status/" + requestId).statusCode()).isEqualTo(404);
        assertThat(server.client().get(output).statusCode()).as("its output image is gone").isEqualTo(404);
    }

    @Test
    void listsRequestsNewestFirstAndPagesOn() {
        List<String> uploaded = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            uploaded.add(server.client().uploadCsv(HEADER + "1,Item " + i + "," + images.url("/c.jpg") + "\n"));
        }
        for (String id : uploaded) {
            server.client().awaitFinished(id); // so the page is not refreshing while it is read
        }
        open("/ui/");

        browser.await(d -> d.findElements(By.cssSelector("#request-rows tr")).size() == 20, "a first page of 20 requests");
        List<String> firstPage = listedIds();
        assertThat(firstPage.get(0)).isEqualTo(uploaded.get(20));
        assertThat(firstPage.get(1)).isEqualTo(uploaded.get(19));
        WebElement row = driver.findElement(By.cssSelector("#request-rows tr"));
        assertThat(row.findElement(By.cssSelector("[role=progressbar]")).getDomAttribute("aria-valuenow")).isNotNull();
        assertThat(row.findElement(By.cssSelector("td[data-label=Products]")).getText()).isEqualTo("1");
        assertThat(driver.findElement(By.id("newer")).isEnabled()).isFalse();
        screenshot("index-desktop");

        driver.findElement(By.id("older")).click();

        browser.await(d -> !listedIds().isEmpty() && !listedIds().equals(firstPage), "the next page");
        assertThat(listedIds()).doesNotContainAnyElementsOf(firstPage).contains(uploaded.get(0));
        assertThat(driver.findElement(By.id("newer")).isEnabled()).isTrue();
        driver.findElement(By.id("newer")).click();
        browser.await(d -> listedIds().equals(firstPage), "back to the newest");
    }

    @Test
    void pollsAtMostOnceASecondAndNotWhileThePageIsHidden() {
        images.serve("/slower.jpg", Reply.ok("image/jpeg", TestImages.jpeg(64, 48, 6)).delayedBy(Duration.ofSeconds(7)));
        String requestId = server.client().uploadCsv(HEADER + "1,Sock," + images.url("/slower.jpg") + "\n");
        open("/ui/request.html?id=" + requestId);
        browser.await(d -> statusFetchTimes().size() >= 3, "three status reads");
        List<Double> visible = statusFetchTimes();
        for (int i = 1; i < visible.size(); i++) {
            assertThat(visible.get(i) - visible.get(i - 1)).as("milliseconds between reads").isGreaterThanOrEqualTo(950);
        }
        String consoleTab = driver.getWindowHandle();
        browser.script("window.visibilityChanges = [];"
                + "document.addEventListener('visibilitychange',"
                + " () => window.visibilityChanges.push([document.visibilityState, performance.now()]));");

        driver.switchTo().newWindow(WindowType.TAB);
        server.client().awaitFinished(requestId); // the console's tab stays hidden meanwhile, a few seconds
        driver.close();
        driver.switchTo().window(consoleTab);

        browser.await(d -> valueNow(d.findElement(By.id("progress"))) == 100, "reads again once visible, and sees it done");
        @SuppressWarnings("unchecked")
        List<List<Object>> changes = (List<List<Object>>) browser.script("return window.visibilityChanges");
        assertThat(changes).extracting(change -> change.get(0)).containsExactly("hidden", "visible");
        double hiddenAt = ((Number) changes.get(0).get(1)).doubleValue();
        double visibleAt = ((Number) changes.get(1).get(1)).doubleValue();
        assertThat(visibleAt - hiddenAt).as("hidden for a while").isGreaterThan(2000);
        // the page's own listener runs before the one recording the change: its read starts just before
        assertThat(statusFetchTimes()).as("no status read while hidden")
                .noneMatch(time -> time > hiddenAt + 50 && time < visibleAt - 50)
                .as("a read at once when visible again")
                .anyMatch(time -> time >= visibleAt - 50 && time < visibleAt + 500);
    }

    @Test
    void isReadableAtPhoneWidth() {
        String requestId = server.client().uploadCsv(HEADER + "1,A product with a rather long name to wrap,\""
                + images.url("/a.jpg") + ", " + images.url("/missing.jpg") + "\"\n");
        server.client().awaitFinished(requestId);
        browser.resize(Browser.PHONE);

        open("/ui/request.html?id=" + requestId);
        browser.await(d -> loadedThumbnails() == 1, "the thumbnail is loaded");
        assertNoHorizontalScrolling();
        assertThat(driver.findElement(By.cssSelector("#images thead")).getSize().getHeight())
                .as("column headers are moved out of sight; each cell is labelled instead").isLessThanOrEqualTo(1);
        screenshot("request-phone");
        browser.script("document.getElementById('images-section').scrollIntoView()");
        screenshot("request-phone-images");

        open("/ui/");
        browser.await(d -> !d.findElements(By.cssSelector("#request-rows tr")).isEmpty(), "the list is loaded");
        assertNoHorizontalScrolling();
        screenshot("index-phone");
    }

    @Test
    void everyControlIsLabelledAndTheFileInputIsReachedByKeyboard() {
        open("/ui");
        assertThat(driver.getCurrentUrl()).as("redirected to the console's directory").endsWith("/ui/");
        browser.await(d -> !d.findElements(By.cssSelector("#request-rows tr")).isEmpty()
                || d.findElement(By.id("requests-empty")).isDisplayed(), "the list is loaded");

        @SuppressWarnings("unchecked")
        List<String> unlabelled = (List<String>) browser.script("return [...document.querySelectorAll('input, button, a')]"
                + ".filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label') || e.textContent.trim()"
                + " || e.querySelector('img[alt]:not([alt=\"\"])')))"
                + ".map(e => e.outerHTML)");
        assertThat(unlabelled).isEmpty();
        driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        String focused = null;
        for (int i = 0; i < 10 && !"file".equals(focused); i++) {
            driver.switchTo().activeElement().sendKeys(Keys.TAB);
            focused = driver.switchTo().activeElement().getDomAttribute("id");
        }
        assertThat(focused).as("the file input is reached with Tab").isEqualTo("file");

        WebElement webhook = driver.findElement(By.id("webhook"));
        webhook.sendKeys("https://example.com/hook", Keys.ENTER);

        assertThat(driver.findElement(By.id("upload-message")).getText()).isEqualTo("Choose a CSV file first.");
        assertThat(driver.switchTo().activeElement().getDomAttribute("id")).as("focus goes to the file input").isEqualTo("file");
    }

    private static void open(String path) {
        driver.get("http://127.0.0.1:" + server.port() + path);
    }

    private static String awaitRequestPage() {
        browser.await(d -> d.getCurrentUrl().contains("/ui/request.html?id="), "the request's page opens");
        String url = driver.getCurrentUrl();
        return url.substring(url.indexOf("?id=") + 4);
    }

    private static int valueNow(WebElement bar) {
        String value = bar.getDomAttribute("aria-valuenow");
        return value == null || !bar.isDisplayed() ? -1 : Integer.parseInt(value);
    }

    private static long loadedThumbnails() {
        return (Long) browser.script("return [...document.querySelectorAll('#image-rows img.thumb')]"
                + ".filter(img => img.complete && img.naturalWidth > 0).length");
    }

    @SuppressWarnings("unchecked")
    private static List<String> listedIds() {
        return (List<String>) browser.script("return [...document.querySelectorAll('#request-rows tr')]"
                + ".map(row => row.dataset.requestId)");
    }

    /** @return when the page started each status read, in milliseconds since it loaded */
    @SuppressWarnings("unchecked")
    private static List<Double> statusFetchTimes() {
        List<Object> times = (List<Object>) browser.script("return performance.getEntriesByType('resource')"
                + ".filter(e => e.initiatorType === 'fetch' && e.name.includes('/product/status/'))"
                + ".map(e => e.startTime)");
        return times.stream().map(time -> ((Number) time).doubleValue()).toList();
    }

    private static void assertNoHorizontalScrolling() {
        Long overflow = (Long) browser.script("return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(overflow).as("pixels wider than the viewport").isLessThanOrEqualTo(0);
    }

    /** Saves a screenshot when {@code -Dimgpipe.screenshots=<dir>} is given, to look at during development. */
    private static void screenshot(String name) {
        String dir = System.getProperty("imgpipe.screenshots");
        if (dir != null) {
            browser.screenshot(Path.of(dir).resolve(name + ".png"));
        }
    }

    private static Path csvFile(String name, String content) {
        try {
            return Files.writeString(csvDir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.imgpipe;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole request over real HTTP: 120 products of 3 images each, JPEG and PNG sources. */
class ProcessingEngineIT {

    private static final int PRODUCTS = 120;
    private static final int IMAGES_PER_PRODUCT = 3;

    @TempDir
    Path dir;

    @Test
    void compressesEveryImageOfALargeRequestToASmallerJpegOfTheSameSize() throws Exception {
        try (EngineHarness h = new EngineHarness(dir)) {
            Map<String, byte[]> sources = new HashMap<>();
            List<List<String>> products = new ArrayList<>();
            for (int p = 0; p < PRODUCTS; p++) {
                List<String> paths = new ArrayList<>();
                for (int i = 0; i < IMAGES_PER_PRODUCT; i++) {
                    int width = 80 + (p * 7 + i * 13) % 160;
                    int height = 60 + (p * 11 + i * 5) % 120;
                    boolean png = (p + i) % 4 == 0;
                    String path = "/img/" + p + "-" + i + (png ? ".png" : ".jpg");
                    byte[] body = png ? TestImages.png(width, height, p * 31L + i) : TestImages.jpeg(width, height, p * 31L + i);
                    h.server.serve(path, Reply.ok(png ? "image/png" : "image/jpeg", body));
                    sources.put(h.server.url(path).toString(), body);
                    paths.add(path);
                }
                products.add(paths);
            }
            ProcessingEngine engine = h.startEngine();

            String id = h.submit(engine, h.csv(products));
            RequestStatus status = h.awaitCompletion(engine, id);

            assertThat(status.status()).isEqualTo(Status.COMPLETED);
            assertThat(status.progress()).isEqualTo(new Progress(360, 0, 0, 360, 0));
            assertThat(status.products()).hasSize(PRODUCTS);
            for (ProductStatus product : status.products()) {
                assertThat(product.status()).isEqualTo(Status.COMPLETED);
                for (int i = 0; i < product.images().size(); i++) {
                    ImageStatus image = product.images().get(i);
                    byte[] source = sources.get(image.url().toString());
                    String key = id + "/" + product.serialNumber() + "-" + (i + 1) + ".jpg";
                    assertThat(image.outputUrl()).hasToString("http://files.test/out/" + key);
                    byte[] output = h.store.get(key).orElseThrow();
                    assertThat(output).startsWith((byte) 0xFF, (byte) 0xD8, (byte) 0xFF);
                    BufferedImage in = ImageIO.read(new ByteArrayInputStream(source));
                    BufferedImage out = ImageIO.read(new ByteArrayInputStream(output));
                    assertThat(out.getWidth()).as(key + " width").isEqualTo(in.getWidth());
                    assertThat(out.getHeight()).as(key + " height").isEqualTo(in.getHeight());
                    assertThat(output.length).as(key + " bytes").isLessThan(source.length);
                }
            }
            assertThat(h.completionsOf(id)).isEqualTo(1);
        }
    }
}

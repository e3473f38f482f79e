package io.imgpipe.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.EngineConfig;
import io.imgpipe.ImageStatus;
import io.imgpipe.ProcessingEngine;
import io.imgpipe.ProductStatus;
import io.imgpipe.RequestStatus;
import io.imgpipe.Status;
import io.imgpipe.SubmitOptions;
import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.fetch.FetcherConfig;
import io.imgpipe.fetch.HttpImageFetcher;
import io.imgpipe.local.InMemoryProductRepository;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A {@link ProcessingEngine} whose object store is chosen by name ({@code s3}) and stores its
 * outputs in S3Proxy; every presigned output URL, fetched with a plain HTTP client, serves a JPEG
 * of the source's dimensions.
 */
class S3EngineEndToEndIT {

    private static S3ProxyServer s3;

    @BeforeAll
    static void startS3Proxy() {
        s3 = S3ProxyServer.start();
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        s3.close();
    }

    @Test
    void storesEveryOutputInS3AndServesItThroughPresignedUrls() throws Exception {
        String bucket = "imgpipe-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client admin = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .build()) {
            admin.createBucket(b -> b.bucket(bucket));
        }
        Map<String, String> properties = Map.of(
                S3ObjectStoreProvider.BUCKET, bucket,
                S3ObjectStoreProvider.REGION, "us-east-1",
                S3ObjectStoreProvider.ENDPOINT, s3.endpoint().toString(),
                S3ObjectStoreProvider.PATH_STYLE, "true",
                S3ObjectStoreProvider.URL_MODE, "presigned",
                S3ObjectStoreProvider.PREFIX, "outputs",
                S3ObjectStoreProvider.ACCESS_KEY_ID, S3ProxyServer.ACCESS_KEY,
                S3ObjectStoreProvider.SECRET_ACCESS_KEY, S3ProxyServer.SECRET_KEY);

        try (TestHttpServer images = TestHttpServer.start();
             HttpImageFetcher fetcher = new HttpImageFetcher(FetcherConfig.defaults()
                     .withAddressPolicy(AddressPolicy.allowAll()))) {
            Map<String, BufferedImage> sources = new HashMap<>();
            StringBuilder csv = new StringBuilder("S. No.,Product Name,Input Image Urls\n");
            for (int p = 1; p <= 10; p++) {
                String first = "/p" + p + "a.jpg";
                String second = "/p" + p + "b.png";
                byte[] jpeg = TestImages.jpeg(60 + p * 9, 40 + p * 5, p);
                byte[] png = TestImages.png(30 + p * 3, 70 - p, p + 100);
                images.serve(first, Reply.ok("image/jpeg", jpeg));
                images.serve(second, Reply.ok("image/png", png));
                sources.put(images.url(first).toString(), ImageIO.read(new ByteArrayInputStream(jpeg)));
                sources.put(images.url(second).toString(), ImageIO.read(new ByteArrayInputStream(png)));
                csv.append(p).append(",Product ").append(p).append(",\"").append(images.url(first)).append(", ")
                        .append(images.url(second)).append("\"\n");
            }
            CountDownLatch finished = new CountDownLatch(1);

            try (ProcessingEngine engine = ProcessingEngine.builder()
                    .repository(new InMemoryProductRepository())
                    .objectStore("s3")
                    .properties(properties)
                    .fetcher(fetcher)
                    .config(EngineConfig.builder().pollInterval(Duration.ofMillis(50)).build())
                    .onCompletion(request -> finished.countDown())
                    .build()) {
                engine.start();
                String id = engine.submit(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                        SubmitOptions.none());
                assertThat(finished.await(2, TimeUnit.MINUTES)).as("request finished").isTrue();
                RequestStatus status = engine.status(id).orElseThrow();

                assertThat(status.status()).isEqualTo(Status.COMPLETED);
                assertThat(status.progress().completed()).isEqualTo(20);
                HttpClient http = HttpClient.newHttpClient();
                for (ProductStatus product : status.products()) {
                    for (ImageStatus image : product.images()) {
                        assertThat(image.outputUrl().getQuery()).contains("X-Amz-Signature");
                        assertThat(image.outputUrl().getPath()).startsWith("/" + bucket + "/outputs/" + id + "/");
                        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(image.outputUrl()).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        assertThat(response.statusCode()).isEqualTo(200);
                        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/jpeg");
                        BufferedImage output = ImageIO.read(new ByteArrayInputStream(response.body()));
                        BufferedImage source = sources.get(image.url().toString());
                        assertThat(output.getWidth()).isEqualTo(source.getWidth());
                        assertThat(output.getHeight()).isEqualTo(source.getHeight());
                    }
                }
            }
        }
    }
}

package io.imgpipe.server;

import static io.imgpipe.server.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import io.imgpipe.testkit.TestImages;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The server configured for production: {@code MONGODB_URI} (mongo-java-server in this JVM) and
 * {@code S3_BUCKET_NAME} on an S3-compatible endpoint ({@code S3_ENDPOINT}: S3Proxy in this JVM,
 * with signature V4 authentication), with credentials given as {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY} variables.
 */
class MongoAndS3IT {

    private static final String ACCESS_KEY = "imgpipe-server-it";
    private static final String SECRET_KEY = "imgpipe-server-it-secret-0123456789";
    private static final String BUCKET = "imgpipe-server-it";

    @TempDir
    Path dataDir;

    private SharedMongo mongo;
    private S3Proxy s3;
    private TestHttpServer images;
    private RunningServer server;

    @BeforeEach
    void start() throws Exception {
        mongo = SharedMongo.start();
        s3 = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            ApiClient.pause(10);
        }
        try (S3Client admin = S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build()) {
            admin.createBucket(b -> b.bucket(BUCKET));
        }
        images = TestHttpServer.start();
        images.serve("/a.jpg", Reply.ok("image/jpeg", TestImages.jpeg(90, 70, 21)));
        images.serve("/b.png", Reply.ok("image/png", TestImages.png(50, 40, 22)));
        Map<String, String> variables = new HashMap<>();
        variables.put("MONGODB_URI", mongo.uri());
        variables.put("S3_BUCKET_NAME", BUCKET);
        variables.put("S3_ENDPOINT", endpoint().toString());
        variables.put("AWS_REGION", "us-east-1");
        variables.put("S3_URL_MODE", "presigned");
        variables.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        variables.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        server = RunningServer.start(dataDir, variables);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (images != null) {
            images.close();
        }
        s3.stop();
        mongo.close();
    }

    @Test
    void storesOutputsInTheBucketAndLinksToThemWithPresignedUrls() {
        String requestId = server.client().uploadCsv("S. No.,Product Name,Input Image Urls\n1,Vase,\""
                + images.url("/a.jpg") + "," + images.url("/b.png") + "\"\n");

        JsonNode status = server.client().awaitFinished(requestId);

        assertThat(status.get("status").asText()).isEqualTo("completed");
        for (JsonNode image : status.get("product").get(0).get("images")) {
            URI output = URI.create(image.get("compressedUrl").asText());
            assertThat(output.getPort()).isEqualTo(s3.getPort());
            assertThat(output.getPath()).startsWith("/" + BUCKET + "/" + requestId + "/");
            assertThat(output.getQuery()).contains("X-Amz-Signature=");
            HttpResponse<byte[]> file = server.client().get(output);
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).startsWith(0xFF, 0xD8, 0xFF);
        }
    }

    @Test
    void servesNoLocalFilesWhenImagesGoToS3() {
        assertThat(server.client().get("/files/anything/1-0.jpg").statusCode()).isEqualTo(404);
    }

    @Test
    void reportsBothDependenciesHealthy() {
        HttpResponse<byte[]> response = server.client().get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("objectStore").get("status").asText()).isEqualTo("up");
    }

    @Test
    void reportsTheObjectStoreDownWhenTheBucketIsUnreachable() throws Exception {
        s3.stop();

        HttpResponse<byte[]> response = server.client().get("/health");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("down");
        assertThat(body.get("repository").get("status").asText()).isEqualTo("up");
        assertThat(body.get("objectStore").get("status").asText()).isEqualTo("down");
        assertThat(body.get("objectStore").get("error").asText()).isNotBlank();
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + s3.getPort());
    }
}

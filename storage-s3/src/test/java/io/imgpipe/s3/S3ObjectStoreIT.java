package io.imgpipe.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link S3ObjectStore} against S3Proxy 4.1 running in this JVM on loopback with AWS V4
 * authentication on, over an in-memory blob store.
 */
class S3ObjectStoreIT extends S3CompatibleStoreTests {

    private static S3ProxyServer server;

    @BeforeAll
    static void startS3Proxy() {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        server.close();
    }

    @Override
    protected URI endpoint() {
        return server.endpoint();
    }

    @Override
    protected String accessKey() {
        return S3ProxyServer.ACCESS_KEY;
    }

    @Override
    protected String secretKey() {
        return S3ProxyServer.SECRET_KEY;
    }

    // ---------------------------------------------------------------- ACL (S3Proxy keeps canned ACLs; MinIO has none)

    @Test
    void putSendsNoAclByDefault() {
        HeaderRecorder recorder = new HeaderRecorder();
        try (S3Client client = client(recorder); S3ObjectStore store = storeWithClient(client)) {
            store.put("r1/0.jpg", payload(100, 1), "image/jpeg");
        }

        assertThat(recorder.headers()).singleElement().satisfies(h -> assertThat(lowerCaseNames(h)).doesNotContain("x-amz-acl"));
    }

    @Test
    void putSendsTheConfiguredAcl() {
        HeaderRecorder recorder = new HeaderRecorder();
        try (S3Client client = client(recorder);
             S3ObjectStore store = S3ObjectStore.builder(config().acl("public-read").build()).client(client).build()) {
            store.put("r1/0.jpg", payload(100, 1), "image/jpeg");
        }

        assertThat(recorder.headers()).singleElement().satisfies(h -> assertThat(h).containsEntry("x-amz-acl", List.of("public-read")));
    }

    @Test
    void objectStoredWithoutAclIsNotPubliclyReadable() throws Exception {
        try (S3ObjectStore store = storeFor(config().build())) {
            store.put("r1/0.jpg", payload(100, 1), "image/jpeg");

            assertThat(fetch(store.url("r1/0.jpg")).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void publicReadAclMakesThePublicUrlDownloadable() throws Exception {
        byte[] data = payload(20_000, 4);
        try (S3ObjectStore store = storeFor(config().acl("public-read").build())) {
            store.put("r1/0.jpg", data, "image/jpeg");

            HttpResponse<byte[]> response = fetch(store.url("r1/0.jpg"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(data);
        }
    }

    private static List<String> lowerCaseNames(Map<String, List<String>> headers) {
        return headers.keySet().stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
    }
}

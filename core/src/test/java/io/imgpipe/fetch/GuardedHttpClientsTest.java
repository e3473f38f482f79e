package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.testkit.TestHttpServer;
import io.imgpipe.testkit.TestHttpServer.Reply;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The public entry point for hosts: clients that connect only where the address policy allows. */
class GuardedHttpClientsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private TestHttpServer server;

    @BeforeEach
    void startServer() {
        server = TestHttpServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void refusesAHostThatResolvesOnlyToARefusedAddress() throws IOException {
        server.serve("/hook", Reply.status(204));
        FakeDnsResolver names = new FakeDnsResolver().map("hooks.example.com", "127.0.0.1");
        try (CloseableHttpClient client = GuardedHttpClients.builder(AddressPolicy.publicOnly(), names, TIMEOUT, 4, 2).build()) {
            URI url = URI.create("http://hooks.example.com:" + server.port() + "/hook");

            assertThatThrownBy(() -> client.execute(new HttpGet(url), response -> response.getCode()))
                    .isInstanceOf(AddressRefusedException.class);
        }
        assertThat(server.hits("/hook")).isZero();
    }

    @Test
    void checksIpLiteralsToo() throws IOException {
        server.serve("/hook", Reply.status(204));
        try (CloseableHttpClient client = GuardedHttpClients.builder(AddressPolicy.publicOnly(),
                SystemDefaultDnsResolver.INSTANCE, TIMEOUT, 4, 2).build()) {
            assertThatThrownBy(() -> client.execute(new HttpGet(server.url("/hook")), response -> response.getCode()))
                    .isInstanceOf(AddressRefusedException.class);
        }
        assertThat(server.hits("/hook")).isZero();
    }

    @Test
    void connectsWhereThePolicyAllows() throws IOException {
        server.serve("/hook", Reply.status(204));
        try (CloseableHttpClient client = GuardedHttpClients.builder(AddressPolicy.ranges("127.0.0.0/8"),
                SystemDefaultDnsResolver.INSTANCE, TIMEOUT, 4, 2).build()) {
            int status = client.execute(new HttpGet(server.url("/hook")), response -> response.getCode());

            assertThat(status).isEqualTo(204);
        }
    }

    @Test
    void returnsARedirectInsteadOfFollowingIt() throws IOException {
        server.serve("/hook", Reply.redirect(302, "/elsewhere"));
        server.serve("/elsewhere", Reply.status(204));
        try (CloseableHttpClient client = GuardedHttpClients.builder(AddressPolicy.ranges("127.0.0.0/8"),
                SystemDefaultDnsResolver.INSTANCE, TIMEOUT, 4, 2).build()) {
            int status = client.execute(new HttpGet(server.url("/hook")), response -> response.getCode());

            assertThat(status).isEqualTo(302);
        }
        assertThat(server.hits("/elsewhere")).isZero();
    }

    @Test
    void refusesANonPositiveTimeout() {
        assertThatThrownBy(() -> GuardedHttpClients.builder(AddressPolicy.publicOnly(), SystemDefaultDnsResolver.INSTANCE,
                Duration.ZERO, 4, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
    }

    @Test
    void refusesAConnectionLimitBelowOne() {
        assertThatThrownBy(() -> GuardedHttpClients.builder(AddressPolicy.publicOnly(), SystemDefaultDnsResolver.INSTANCE,
                TIMEOUT, 0, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConnections");
    }
}

package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.fetch.AddressPolicy;
import io.imgpipe.server.MultipartUpload.UploadRefusedException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upload-time check of {@code webhookUrl}s, with made-up host names resolved by a map (no DNS
 * query leaves the machine): the webhook client's own address policy decides.
 */
class WebhookUrlCheckTest {

    private final WebhookClient client = new WebhookClient(AddressPolicy.publicOnly(), Duration.ofSeconds(2),
            new MapResolver(Map.of("public.example", "93.184.216.34", "internal.example", "10.1.2.3",
                    "mixed.example", "10.1.2.3,93.184.216.35")));
    private final WebhookUrlCheck check = new WebhookUrlCheck(client);

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void acceptsAHostThatResolvesToAnAllowedAddress() throws Exception {
        assertThat(check.check("https://public.example/hooks/imgpipe")).isEqualTo("https://public.example/hooks/imgpipe");
        assertThat(check.check("https://mixed.example/hook")).isEqualTo("https://mixed.example/hook");
    }

    @Test
    void refusesAHostThatResolvesOnlyToRefusedAddressesWithoutNamingThem() {
        assertThatThrownBy(() -> check.check("https://internal.example/hook"))
                .isInstanceOf(UploadRefusedException.class)
                .hasMessageStartingWith("Refused webhookUrl 'https://internal.example/hook': host internal.example resolves"
                        + " only to addresses that are refused by the address policy (public addresses only")
                .hasMessageNotContaining("10.1.2.3")
                .satisfies(e -> assertThat(((UploadRefusedException) e).status()).isEqualTo(400))
                .satisfies(e -> assertThat(((UploadRefusedException) e).field()).isEqualTo("webhookUrl"));
    }

    @Test
    void refusesAnAddressLiteralThePolicyRefuses() {
        assertThatThrownBy(() -> check.check("http://192.168.1.10:8080/hook"))
                .hasMessageContaining("address 192.168.1.10 is refused by the address policy");
        assertThatThrownBy(() -> check.check("http://[::1]/hook"))
                .hasMessageContaining("is refused by the address policy");
    }

    @Test
    void refusesAHostThatDoesNotResolve() {
        assertThatThrownBy(() -> check.check("https://missing.example/hook"))
                .isInstanceOf(UploadRefusedException.class)
                .hasMessage("Invalid webhookUrl 'https://missing.example/hook': its host missing.example does not resolve");
    }

    @Test
    void refusesAnAmbiguousNumericHostBeforeResolvingIt() {
        assertThatThrownBy(() -> check.check("http://0177.0.0.1/hook"))
                .hasMessageContaining("ambiguous numeric address");
    }

    @Test
    void refusesAUrlThatIsNotAnAbsoluteHttpUrl() {
        assertThatThrownBy(() -> check.check("ftp://public.example/hook")).hasMessageStartingWith("Invalid webhookUrl");
        assertThatThrownBy(() -> check.check("https://user:pw@public.example/hook")).hasMessageStartingWith("Invalid webhookUrl");
        assertThatThrownBy(() -> check.check("https://public.example/" + "x".repeat(WebhookUrlCheck.MAX_LENGTH)))
                .hasMessageStartingWith("Invalid webhookUrl: must be");
    }

    /** Resolves made-up names from a map, and IP literals as themselves. */
    private record MapResolver(Map<String, String> names) implements DnsResolver {

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            String addresses = names.get(host);
            if (addresses == null) {
                if (host.matches("[0-9.]+") || host.contains(":")) {
                    return new InetAddress[] {InetAddress.getByName(host)};
                }
                throw new UnknownHostException(host);
            }
            String[] parts = addresses.split(",");
            InetAddress[] resolved = new InetAddress[parts.length];
            for (int i = 0; i < parts.length; i++) {
                resolved[i] = InetAddress.getByName(parts[i]);
            }
            return resolved;
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return host;
        }
    }
}

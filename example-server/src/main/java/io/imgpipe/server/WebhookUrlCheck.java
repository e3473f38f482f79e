package io.imgpipe.server;

import io.imgpipe.fetch.AddressRefusedException;
import io.imgpipe.fetch.NumericHosts;
import io.imgpipe.fetch.DnsTimeoutException;
import io.imgpipe.server.MultipartUpload.UploadRefusedException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks an upload's {@code webhookUrl} before the request is created, the way its delivery will
 * treat it: an absolute http(s) URL without user-info or fragment, a host that is not an ambiguous
 * numeric form ({@link NumericHosts}), and a host that resolves to an address the webhook client's
 * address policy allows ({@link WebhookClient#checkTarget}). A lookup that times out is let
 * through (the delivery checks again); every other problem is refused with {@code 400} naming it.
 * Thread-safe.
 */
final class WebhookUrlCheck {

    /** The longest URL accepted. */
    static final int MAX_LENGTH = 2048;

    private static final Logger log = LoggerFactory.getLogger(WebhookUrlCheck.class);
    private static final String RULE = "must be an absolute http or https URL without user information, with a port"
            + " from 1 to 65535 if any, at most " + MAX_LENGTH + " characters";

    private final WebhookClient client;

    /**
     * A check that uses the webhook client's own guard and address policy.
     *
     * @param client the client deliveries go through
     */
    WebhookUrlCheck(WebhookClient client) {
        this.client = client;
    }

    /**
     * Checks a {@code webhookUrl} form field.
     *
     * @param value the form field's value
     * @return the URL to store with the request
     * @throws UploadRefusedException with status 400 naming the problem
     */
    String check(String value) throws UploadRefusedException {
        if (value.length() > MAX_LENGTH) {
            throw refused("Invalid webhookUrl: " + RULE);
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw refused("Invalid webhookUrl '" + value + "': " + RULE);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") || scheme.equals("https")) {
            Optional<String> numericHost = NumericHosts.problem(uri);
            if (numericHost.isPresent()) {
                throw refused("Invalid webhookUrl '" + value + "': " + numericHost.get());
            }
        }
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null || uri.getPort() == 0 || uri.getPort() > 65_535) {
            throw refused("Invalid webhookUrl '" + value + "': " + RULE);
        }
        try {
            client.checkTarget(uri);
        } catch (AddressRefusedException e) {
            throw refused("Refused webhookUrl '" + value + "': " + e.getMessage());
        } catch (DnsTimeoutException e) {
            log.info("webhookUrl host {} did not resolve in time at upload; its delivery will check it again", uri.getHost());
        } catch (UnknownHostException e) {
            throw refused("Invalid webhookUrl '" + value + "': its host " + uri.getHost() + " does not resolve");
        }
        return uri.toString();
    }

    private static UploadRefusedException refused(String message) {
        return new UploadRefusedException(400, ProductApi.WEBHOOK_FIELD, message);
    }
}

package io.imgpipe.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.FetchException;
import io.imgpipe.FetchException.Reason;
import io.imgpipe.fetch.RedirectFollower.Hop;
import io.imgpipe.spi.FetchedImage;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedirectFollowerTest {

    private static final URI URL = URI.create("http://images.example.com/a.jpg");

    private final List<URI> sent = new ArrayList<>();

    @Test
    void followsRedirectsToTheImage() {
        URI second = URI.create("http://cdn.example.com/a.jpg");
        FetchedImage image = new FetchedImage(URL, second, "image/jpeg", new byte[] {1});

        FetchedImage fetched = new RedirectFollower(3).follow(URL, hop -> {
            sent.add(hop);
            return hop.equals(URL) ? Hop.redirect(302, second) : Hop.image(200, image);
        });

        assertThat(fetched).isSameAs(image);
        assertThat(sent).containsExactly(URL, second);
    }

    @Test
    void stopsAfterTheMostRedirectsNamingTheNextHop() {
        RedirectFollower follower = new RedirectFollower(2);

        assertThatThrownBy(() -> follower.follow(URL, hop -> {
            sent.add(hop);
            return Hop.redirect(301, URI.create(hop + "x"));
        }))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_REDIRECT))
                .hasMessageContaining("too many redirects: more than 2, next to " + URL + "xxx");
        assertThat(sent).hasSize(3);
    }

    @Test
    void sendsTheFirstRequestWithoutUserInfoOrFragment() {
        new RedirectFollower(0).follow(URI.create("http://user:secret@images.example.com:8080/a.jpg?s=1#top"), hop -> {
            sent.add(hop);
            return Hop.image(200, new FetchedImage(hop, hop, null, new byte[] {1}));
        });

        assertThat(sent).containsExactly(URI.create("http://images.example.com:8080/a.jpg?s=1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://images.example.com/a.jpg", "/relative.jpg", "http://images.example.com:0/a.jpg",
            "http://0177.0.0.1/a.jpg", "http://2130706433/a.jpg"})
    void refusesAUrlThatIsNotFetchedWithoutSendingAnything(String url) {
        assertThatThrownBy(() -> new RedirectFollower(3).follow(URI.create(url), hop -> {
            sent.add(hop);
            return null;
        }))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.ADDRESS_REFUSED));
        assertThat(sent).isEmpty();
    }

    @Test
    void resolvesARelativeLocationAgainstTheHop() {
        assertThat(RedirectFollower.target(URL, URL, 302, " img/b.jpg#frag "))
                .isEqualTo(URI.create("http://images.example.com/img/b.jpg"));
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void followsTheFiveRedirectStatuses(int status) {
        assertThat(RedirectFollower.isFollowed(status)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {300, 304, 305, 200})
    void followsNoOtherStatus(int status) {
        assertThat(RedirectFollower.isFollowed(status)).isFalse();
    }

    @Test
    void refusesARedirectWithoutLocation() {
        assertThatThrownBy(() -> RedirectFollower.target(URL, URL, 302, null))
                .hasMessageContaining("HTTP 302 redirect without a Location header");
    }

    @Test
    void refusesARedirectToAnotherScheme() {
        assertThatThrownBy(() -> RedirectFollower.target(URL, URL, 301, "file:///etc/passwd"))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_REDIRECT))
                .hasMessageContaining("only http and https URLs are followed");
    }

    @Test
    void refusesARedirectWithCredentialsWithoutRepeatingThem() {
        assertThatThrownBy(() -> RedirectFollower.target(URL, URL, 302, "http://admin:hunter2@cdn.example.com/a.jpg"))
                .hasMessageContaining("http://***@cdn.example.com/a.jpg refused: URLs with user-info")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void refusesARedirectToAnAmbiguousNumericHost() {
        assertThatThrownBy(() -> RedirectFollower.target(URL, URL, 307, "http://127.1/a.jpg"))
                .hasMessageContaining("is an ambiguous numeric address");
    }

    @Test
    void refusesAnInvalidLocation() {
        assertThatThrownBy(() -> RedirectFollower.target(URL, URL, 302, "http://exa mple.com/"))
                .hasMessageContaining("redirect to an invalid Location 'http://exa mple.com/'");
    }
}

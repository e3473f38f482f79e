package io.imgpipe.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class UriParserTest {

    private static final List<String> URLS = List.of(
            "https://images.example.com/catalog/1/photo-1.jpg",
            "http://127.0.0.1:8080/files/req-1/1-1.jpg",
            "https://images.example.com/catalog/2/photo-2.jpg",
            "http://127.0.0.1:8080/files/req-1/2-1.jpg",
            "https://images.example.com/catalog/a%20b.jpg",
            "https://images.example.com/catalog/x.jpg?w=100&h=2",
            "https://images.example.com/catalog/x.jpg#top",
            "https://images.example.com/catalog/./x.jpg",
            "https://images.example.com/catalog/../x.jpg",
            "https://images.example.com/catalog//x.jpg",
            "https://images.example.com/",
            "https://images.example.com/caf\u00e9.jpg",
            "https://images.example.com/~user/x.jpg",
            "HTTPS://Images.Example.COM/Upper/Case.JPG",
            "HTTPS://Images.Example.COM/Upper/Case2.JPG",
            "http://user:pw@h.example:81/p/q.png",
            "http://user:pw@h.example:81/p/r.png",
            "http://[::1]:9000/x/y.webp",
            "http://[::1]:9000/x/z.webp",
            "https://a.example/1.jpg", "https://b.example/1.jpg", "https://c.example/1.jpg", "https://d.example/1.jpg",
            "https://e.example/1.jpg", "https://a.example/2.jpg", "https://e.example/2.jpg",
            "file:///srv/images/a.jpg", "file:///srv/images/b.jpg", "file:/srv/images/c.jpg");

    @Test
    void givesTheSameUriAsParsingInFullForEveryUrl() {
        UriParser parser = new UriParser();
        for (int round = 0; round < 2; round++) {
            for (String url : URLS) {
                URI parsed = parser.parse(url);
                URI expected = URI.create(url);
                assertThat(parsed).as(url).isEqualTo(expected).hasToString(url);
                assertThat(parsed.getHost()).as(url).isEqualTo(expected.getHost());
                assertThat(parsed.getPort()).as(url).isEqualTo(expected.getPort());
                assertThat(parsed.getRawPath()).as(url).isEqualTo(expected.getRawPath());
                assertThat(parsed.getRawQuery()).as(url).isEqualTo(expected.getRawQuery());
                assertThat(parsed.getRawUserInfo()).as(url).isEqualTo(expected.getRawUserInfo());
                assertThat(parsed.hashCode()).as(url).isEqualTo(expected.hashCode());
            }
        }
    }

    @Test
    void refusesAnInvalidUrlAsParsingDoes() {
        UriParser parser = new UriParser();
        parser.parse("https://images.example.com/a.jpg");

        assertThatThrownBy(() -> parser.parse("https://images.example.com/a b.jpg"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

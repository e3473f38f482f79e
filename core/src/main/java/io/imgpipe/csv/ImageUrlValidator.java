package io.imgpipe.csv;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Splits an {@code Input Image Urls} cell into URLs and checks each: an absolute {@code http} or
 * {@code https} URL (scheme in any case, returned lower-cased) with a host, no user-info, at most
 * {@link CsvLimits#maxUrlLength()} characters, parsed by {@link URI}. Entries are separated by
 * commas, so a comma inside a URL must be percent-encoded ({@code %2C}). Immutable and
 * thread-safe.
 */
final class ImageUrlValidator {

    private static final int MAX_QUOTED_LENGTH = 200;
    private static final int MAX_PORT = 65_535;

    private final CsvLimits limits;

    /** @param limits supplies the URL count and length limits */
    ImageUrlValidator(CsvLimits limits) {
        this.limits = limits;
    }

    /**
     * @param cell the cell as read
     * @param line the line its row starts on
     * @param problems where problems go, with the column {@link CsvColumn#IMAGE_URLS}
     * @return the valid URLs, in cell order
     */
    List<URI> parse(String cell, long line, ProblemCollector problems) {
        List<String> entries = splitEntries(cell);
        if (entries.isEmpty()) {
            problems.add(line, CsvColumn.IMAGE_URLS, "no image URLs: the cell is empty");
            return List.of();
        }
        if (entries.size() > limits.maxUrlsPerRow()) {
            problems.add(line, CsvColumn.IMAGE_URLS, "the row has " + entries.size() + " image URLs, more than the limit of "
                    + limits.maxUrlsPerRow() + " (maxUrlsPerRow)");
        }
        List<URI> urls = new ArrayList<>(entries.size());
        for (String entry : entries) {
            parseUrl(entry, line, problems).ifPresent(urls::add);
        }
        return urls;
    }

    private static List<String> splitEntries(String cell) {
        List<String> entries = new ArrayList<>();
        for (String part : cell.split(",", -1)) {
            String entry = part.strip();
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private Optional<URI> parseUrl(String text, long line, ProblemCollector problems) {
        if (text.length() > limits.maxUrlLength()) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL of " + text.length() + " characters is longer than the limit of "
                    + limits.maxUrlLength() + " (maxUrlLength): " + quote(text));
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            problems.add(line, CsvColumn.IMAGE_URLS, "malformed URL " + quote(text) + ": " + e.getReason()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
            return Optional.empty();
        }
        String scheme = uri.getScheme();
        if (scheme == null || !isHttp(scheme)) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL " + quote(text) + " is not an absolute http or https URL");
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL " + quote(text.replace(uri.getRawUserInfo() + "@", "***@"))
                    + " contains credentials (user-info), which are not allowed");
            return Optional.empty();
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL " + quote(text) + " has no valid host");
            return Optional.empty();
        }
        if (uri.getPort() == 0 || uri.getPort() > MAX_PORT) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL " + quote(text) + " has port " + uri.getPort()
                    + ", outside 1 to " + MAX_PORT);
            return Optional.empty();
        }
        return Optional.of(withLowerCaseScheme(uri, scheme));
    }

    private static boolean isHttp(String scheme) {
        return scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https");
    }

    private static URI withLowerCaseScheme(URI uri, String scheme) {
        String lower = scheme.toLowerCase(Locale.ROOT);
        if (lower.equals(scheme)) {
            return uri;
        }
        return URI.create(lower + uri.toString().substring(scheme.length()));
    }

    private static String quote(String url) {
        return "'" + (url.length() > MAX_QUOTED_LENGTH ? url.substring(0, MAX_QUOTED_LENGTH) + "..." : url) + "'";
    }
}

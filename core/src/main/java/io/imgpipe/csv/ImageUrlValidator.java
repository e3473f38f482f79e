package io.imgpipe.csv;

import io.imgpipe.internal.NumericHosts;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Splits an {@code Input Image Urls} cell into URLs and checks each: an absolute {@code http} or
 * {@code https} URL (scheme in any case, returned lower-cased) with a host, no user-info, at most
 * {@link CsvLimits#maxUrlLength()} characters, parsed by {@link URI}. A host written as a number
 * must be plain dotted-decimal IPv4: forms that programs read differently ({@code 0177.0.0.1},
 * {@code 127.1}, {@code 0x7f.1}, {@code 2130706433}) are refused, see {@link NumericHosts}. Entries are separated by
 * commas, so a comma inside a URL must be percent-encoded ({@code %2C}). A cell longer than
 * {@link CsvLimits#maxUrlsPerRow()} URLs of {@link CsvLimits#maxUrlLength()} characters could
 * take, or with too many entries, is refused before any entry is built. Immutable and
 * thread-safe.
 */
final class ImageUrlValidator {

    /** Characters allowed per URL beyond its length when bounding a cell: a comma and some spaces. */
    private static final int SEPARATOR_ALLOWANCE = 16;
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
        long longest = (long) limits.maxUrlsPerRow() * (limits.maxUrlLength() + SEPARATOR_ALLOWANCE);
        if (cell.length() > longest) {
            problems.add(line, CsvColumn.IMAGE_URLS, "the cell has " + cell.length() + " characters, more than "
                    + limits.maxUrlsPerRow() + " URLs (maxUrlsPerRow) of at most " + limits.maxUrlLength()
                    + " characters (maxUrlLength) can take");
            return List.of();
        }
        int count = countEntries(cell);
        if (count == 0) {
            problems.add(line, CsvColumn.IMAGE_URLS, "no image URLs: the cell is empty");
            return List.of();
        }
        if (count > limits.maxUrlsPerRow()) {
            problems.add(line, CsvColumn.IMAGE_URLS, "the row has " + count + " image URLs, more than the limit of "
                    + limits.maxUrlsPerRow() + " (maxUrlsPerRow)");
            return List.of();
        }
        List<String> entries = splitEntries(cell);
        List<URI> urls = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            parseUrl(entries.get(i), i > 0, line, problems).ifPresent(urls::add);
        }
        return urls;
    }

    /** @return how many non-blank comma-separated entries the cell holds, without building them */
    private static int countEntries(String cell) {
        int count = 0;
        boolean content = false;
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            if (c == ',') {
                count += content ? 1 : 0;
                content = false;
            } else if (!Character.isWhitespace(c)) {
                content = true;
            }
        }
        return count + (content ? 1 : 0);
    }

    /** @return whether an entry that is not a URL looks like the rest of one cut at a comma */
    private static boolean looksLikeUrlPiece(String entry) {
        return !entry.contains("://") && entry.indexOf(' ') < 0;
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

    private Optional<URI> parseUrl(String text, boolean followsComma, long line, ProblemCollector problems) {
        if (text.length() > limits.maxUrlLength()) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL of " + text.length() + " characters is longer than the limit of "
                    + limits.maxUrlLength() + " (maxUrlLength): " + Quoting.quote(text));
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            boolean spaced = text.indexOf(' ') > 0 && text.indexOf("://", text.indexOf(' ')) > 0;
            problems.add(line, CsvColumn.IMAGE_URLS, "malformed URL " + Quoting.quote(text) + ": " + e.getReason()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "")
                    + (spaced ? "; separate several URLs with commas" : ""));
            return Optional.empty();
        }
        String scheme = uri.getScheme();
        if (scheme == null || !isHttp(scheme)) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL " + Quoting.quote(text) + " is not an absolute http or https URL"
                    + (followsComma && looksLikeUrlPiece(text)
                            ? "; URLs are separated by commas, so a comma inside a URL must be written %2C" : ""));
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL " + Quoting.quote(text.replace(uri.getRawUserInfo() + "@", "***@"))
                    + " contains credentials (user-info), which are not allowed");
            return Optional.empty();
        }
        Optional<String> numericHost = NumericHosts.problem(uri);
        if (numericHost.isPresent()) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL " + Quoting.quote(text) + ": " + numericHost.get());
            return Optional.empty();
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL " + Quoting.quote(text) + " has no valid host (a host name holds "
                    + "letters, digits, '-' and '.'; write an international name in its xn-- form)");
            return Optional.empty();
        }
        if (uri.getPort() == 0 || uri.getPort() > MAX_PORT) {
            problems.add(line, CsvColumn.IMAGE_URLS, "URL " + Quoting.quote(text) + " has port " + uri.getPort()
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

}

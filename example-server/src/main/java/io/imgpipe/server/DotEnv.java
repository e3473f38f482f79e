package io.imgpipe.server;

import io.imgpipe.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file: one {@code KEY=VALUE} per line, as the original server's
 * {@code dotenv} accepted.
 *
 * <ul>
 *   <li>Blank lines and lines starting with {@code #} are ignored; an {@code export } prefix is allowed.</li>
 *   <li>Unquoted values are trimmed and end at {@code " #"} (an inline comment).</li>
 *   <li>{@code 'single'} quotes keep the text as written; {@code "double"} quotes understand
 *       {@code \n}, {@code \t}, {@code \"} and {@code \\}.</li>
 * </ul>
 *
 * <p>A line that is none of these is refused with its line number. Stateless and thread-safe.
 */
public final class DotEnv {

    private static final Pattern LINE = Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)");

    private DotEnv() {
    }

    /**
     * @param file the file to read
     * @return its variables in file order (a later line wins), or an empty map if the file does not exist
     * @throws ConfigurationException naming the line if the file is malformed or cannot be read
     */
    public static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new ConfigurationException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(lines, file.toString());
    }

    /**
     * @param lines the lines of a {@code .env} file
     * @param source how to name the file in error messages
     * @return its variables in file order (a later line wins)
     * @throws ConfigurationException naming the line if one is malformed
     */
    public static Map<String, String> parse(List<String> lines, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                throw new ConfigurationException(source + " line " + (i + 1) + ": expected KEY=VALUE");
            }
            values.put(matcher.group(1), value(matcher.group(2), source, i + 1));
        }
        return Collections.unmodifiableMap(values);
    }

    private static String value(String raw, String source, int line) {
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            requireClosed(end, raw.substring(end + 1), source, line);
            return raw.substring(1, end);
        }
        if (raw.startsWith("\"")) {
            StringBuilder value = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '"') {
                    requireClosed(i, raw.substring(i + 1), source, line);
                    return value.toString();
                }
                if (c == '\\' && i + 1 < raw.length()) {
                    char next = raw.charAt(++i);
                    value.append(switch (next) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> next;
                    });
                } else {
                    value.append(c);
                }
            }
            requireClosed(-1, "", source, line);
        }
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }

    private static void requireClosed(int end, String rest, String source, int line) {
        if (end < 0) {
            throw new ConfigurationException(source + " line " + line + ": unterminated quoted value");
        }
        String after = rest.strip();
        if (!after.isEmpty() && !after.startsWith("#")) {
            throw new ConfigurationException(source + " line " + line + ": unexpected text after the closing quote");
        }
    }
}

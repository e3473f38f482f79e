package io.imgpipe;

import java.io.Serializable;
import java.util.Objects;

/**
 * One thing wrong with an uploaded CSV.
 *
 * @param line the 1-based physical line of the file the problem is on ({@code 1} is the header)
 * @param column the header name of the column concerned (for example {@code Input Image Urls}),
 *     or {@code null} when the problem concerns the whole row or file
 * @param message what is wrong, in words a person can act on (it quotes the offending value)
 */
public record CsvProblem(long line, String column, String message) implements Serializable {

    /** Checks the message is present. */
    public CsvProblem {
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return "line " + line + (column == null ? "" : ", column '" + column + "'") + ": " + message;
    }
}

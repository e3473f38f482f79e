package io.imgpipe.csv;

import io.imgpipe.CsvProblem;
import io.imgpipe.CsvValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the problems of one file in file order. Lists at most {@link #MAX_LISTED}; beyond that
 * it only counts, and {@link #toException()} ends the list with one problem saying how many more
 * were found. Not thread-safe: one per read.
 */
final class ProblemCollector {

    /** The most problems listed individually. */
    static final int MAX_LISTED = 1_000;

    private final List<CsvProblem> listed = new ArrayList<>();
    private long omitted;
    private long firstOmittedLine;

    /**
     * Records one problem.
     *
     * @param line the 1-based line the record concerned starts on
     * @param column the spec's header name of the column concerned, or {@code null}
     * @param message what is wrong, quoting the offending value
     */
    void add(long line, CsvColumn column, String message) {
        add(line, column == null ? null : column.headerName(), message);
    }

    private void add(long line, String column, String message) {
        if (listed.size() < MAX_LISTED) {
            listed.add(new CsvProblem(line, column, message));
            return;
        }
        if (omitted == 0) {
            firstOmittedLine = line;
        }
        omitted++;
    }

    /** {@return the number of problems found so far, listed or not} */
    long count() {
        return listed.size() + omitted;
    }

    /** {@return whether no problem was found} */
    boolean isEmpty() {
        return count() == 0;
    }

    /**
     * {@return an exception listing the problems, ending with a summary when some were not listed}
     *
     * @throws IllegalStateException if there is no problem
     */
    CsvValidationException toException() {
        if (isEmpty()) {
            throw new IllegalStateException("no problem to report");
        }
        List<CsvProblem> problems = new ArrayList<>(listed);
        if (omitted > 0) {
            problems.add(new CsvProblem(firstOmittedLine, null, omitted + " more problem" + (omitted == 1 ? " was" : "s were")
                    + " found and not listed (only the first " + MAX_LISTED + " are), starting on line "
                    + firstOmittedLine));
        }
        return new CsvValidationException(problems, count());
    }
}

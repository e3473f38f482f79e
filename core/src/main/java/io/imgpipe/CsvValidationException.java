package io.imgpipe;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An uploaded CSV was refused. Validation is all-or-nothing, so {@link #problems()} lists every
 * problem found in the file, not just the first; nothing of the file was stored. Never retryable.
 */
public class CsvValidationException extends ImgPipeException {

    private static final long serialVersionUID = 1L;

    private final List<CsvProblem> problems;

    /**
     * Creates the exception.
     *
     * @param problems every problem found, in file order; at least one
     */
    public CsvValidationException(List<CsvProblem> problems) {
        this(problems, problems.size());
    }

    /**
     * Creates the exception.
     *
     * @param problems the problems listed, in file order; at least one. When there were too many to
     *     list, the last one says how many more were found
     * @param found how many problems were found in all, listed or not
     */
    public CsvValidationException(List<CsvProblem> problems, long found) {
        super(summarize(problems, found), null, false);
        this.problems = List.copyOf(problems);
    }

    /** {@return every problem found, in file order} */
    public List<CsvProblem> problems() {
        return problems;
    }

    private static String summarize(List<CsvProblem> problems, long found) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a CsvValidationException needs at least one problem");
        }
        String head = problems.stream().limit(5).map(CsvProblem::toString).collect(Collectors.joining("; "));
        long more = found - Math.min(5, problems.size());
        return "invalid CSV (" + found + (found == 1 ? " problem): " : " problems): ") + head
                + (more > 0 ? "; and " + more + " more" : "");
    }
}

package io.imgpipe.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.CsvProblem;
import org.junit.jupiter.api.Test;

class ProblemCollectorTest {

    @Test
    void listsEveryProblemUpToTheCapWithoutSummary() {
        ProblemCollector problems = new ProblemCollector();
        for (int line = 1; line <= ProblemCollector.MAX_LISTED; line++) {
            problems.add(line, CsvColumn.PRODUCT_NAME, "p" + line);
        }

        assertThat(problems.toException().problems()).hasSize(1_000).last()
                .isEqualTo(new CsvProblem(1_000, "Product Name", "p1000"));
    }

    @Test
    void endsWithOneProblemCountingThoseBeyondTheCap() {
        ProblemCollector problems = new ProblemCollector();
        for (int line = 1; line <= ProblemCollector.MAX_LISTED + 1; line++) {
            problems.add(line, null, "p" + line);
        }

        assertThat(problems.count()).isEqualTo(1_001);
        assertThat(problems.toException().problems()).hasSize(1_001).last().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1_001);
            assertThat(p.message()).startsWith("1 more problem was found and not listed");
        });
    }

    @Test
    void refusesToBuildAnExceptionWithoutProblems() {
        assertThatThrownBy(() -> new ProblemCollector().toException()).isInstanceOf(IllegalStateException.class);
    }
}

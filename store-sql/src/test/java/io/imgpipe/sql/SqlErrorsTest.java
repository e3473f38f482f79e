package io.imgpipe.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlErrorsTest {

    @ParameterizedTest(name = "SQLSTATE {0}: retryable {1}")
    @CsvSource({"08006, true", "40001, true", "40P01, true", "55P03, true", "53300, true", "57P01, true",
            "23505, false", "42P01, false", "42501, false", "22001, false"})
    void postgresStatesAreRetryableWhenTheDatabaseMayRecover(String state, boolean retryable) {
        assertThat(SqlErrors.isRetryable(new SQLException("x", state), Dialect.POSTGRESQL)).isEqualTo(retryable);
    }

    @ParameterizedTest(name = "SQLite code {0}: retryable {1}")
    @CsvSource({"5, true", "6, true", "517, true", "10, true", "13, true", "19, false", "2067, false", "1, false",
            "11, false"})
    void sqliteCodesAreRetryableForBusyLockedIoAndFull(int code, boolean retryable) {
        assertThat(SqlErrors.isRetryable(new SQLException("x", null, code), Dialect.SQLITE)).isEqualTo(retryable);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SQLITE, 2067, , true", "SQLITE, 5, , false", "POSTGRESQL, 0, 23505, true", "POSTGRESQL, 0, 40001, false"})
    void recognisesConstraintViolations(Dialect dialect, int code, String state, boolean violation) {
        assertThat(SqlErrors.isConstraintViolation(new SQLException("x", state, code), dialect)).isEqualTo(violation);
    }

    @org.junit.jupiter.api.Test
    void aPoolTimeoutIsRetryable() {
        assertThat(SqlErrors.isRetryable(new SQLTransientConnectionException("pool exhausted"), Dialect.POSTGRESQL))
                .isTrue();
    }
}

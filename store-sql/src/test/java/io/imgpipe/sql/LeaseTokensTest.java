package io.imgpipe.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.imgpipe.sql.LeaseTokens.TaskKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeaseTokensTest {

    @Test
    void aTokenNamesItsTaskRow() {
        String token = LeaseTokens.newToken(42, 7);

        assertThat(LeaseTokens.parse(token)).isEqualTo(new TaskKey(42, 7));
    }

    @Test
    void everyTokenIsNew() {
        assertThat(LeaseTokens.newToken(1, 1)).isNotEqualTo(LeaseTokens.newToken(1, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "1", "1.", ".1.x", "1..x", "a.1.x", "1.b.x", "99999999999999999999.1.x"})
    void aForeignTokenNamesNoRow(String token) {
        assertThat(LeaseTokens.parse(token)).isNull();
    }
}

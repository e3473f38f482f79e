package io.imgpipe.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ByteLimitInputStreamTest {

    @Test
    void passesThroughStreamOfExactlyTheLimit() throws IOException {
        InputStream limited = new ByteLimitInputStream(new ByteArrayInputStream(new byte[10]), 10);

        assertThat(limited.readAllBytes()).hasSize(10);
    }

    @Test
    void failsOnceTheSourceProvesLongerThanTheLimit() {
        InputStream limited = new ByteLimitInputStream(new ByteArrayInputStream(new byte[11]), 10);

        assertThatThrownBy(limited::readAllBytes).isInstanceOfSatisfying(ByteLimitExceededException.class,
                e -> assertThat(e.limit()).isEqualTo(10));
    }

    @Test
    void failsOnSingleByteReadsToo() throws IOException {
        InputStream limited = new ByteLimitInputStream(new ByteArrayInputStream(new byte[] {1, 2, 3}), 2);

        assertThat(limited.read()).isEqualTo(1);
        assertThat(limited.read()).isEqualTo(2);
        assertThatThrownBy(limited::read).isInstanceOf(ByteLimitExceededException.class);
    }

    @Test
    void neverReadsMoreThanOneByteBeyondTheLimit() {
        GeneratedCsvInputStream endless = new GeneratedCsvInputStream(Long.MAX_VALUE);
        InputStream limited = new ByteLimitInputStream(endless, 5_000);

        assertThatThrownBy(limited::readAllBytes).isInstanceOf(ByteLimitExceededException.class);
        assertThat(endless.served()).isEqualTo(5_001);
    }

    @Test
    void doesNotCloseTheSource() throws IOException {
        boolean[] closed = {false};
        InputStream source = new ByteArrayInputStream(new byte[1]) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        new ByteLimitInputStream(source, 1).close();

        assertThat(closed[0]).isFalse();
    }
}

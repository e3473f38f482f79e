package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imgpipe.ConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DotEnvTest {

    @Test
    void readsKeyValueLinesSkippingCommentsAndBlankLines() {
        Map<String, String> values = DotEnv.parse(List.of("# settings", "", "PORT=8081", "  HOST = 127.0.0.1  "), ".env");

        assertThat(values).containsExactly(Map.entry("PORT", "8081"), Map.entry("HOST", "127.0.0.1"));
    }

    @Test
    void acceptsAnExportPrefix() {
        assertThat(DotEnv.parse(List.of("export ROLE=worker"), ".env")).containsEntry("ROLE", "worker");
    }

    @Test
    void endsAnUnquotedValueAtAnInlineComment() {
        assertThat(DotEnv.parse(List.of("PORT=8081 # the port"), ".env")).containsEntry("PORT", "8081");
    }

    @Test
    void keepsSingleQuotedTextAsWritten() {
        assertThat(DotEnv.parse(List.of("WEBHOOK_SECRET='a#b \\n c'"), ".env")).containsEntry("WEBHOOK_SECRET", "a#b \\n c");
    }

    @Test
    void unescapesDoubleQuotedText() {
        assertThat(DotEnv.parse(List.of("X=\"line\\none \\\"q\\\"\" # note"), ".env")).containsEntry("X", "line\none \"q\"");
    }

    @Test
    void keepsEqualsSignsInsideTheValue() {
        assertThat(DotEnv.parse(List.of("MONGODB_URI=mongodb://h/?w=majority&retryWrites=true"), ".env"))
                .containsEntry("MONGODB_URI", "mongodb://h/?w=majority&retryWrites=true");
    }

    @Test
    void refusesALineWithoutAnEqualsSignNamingIt() {
        assertThatThrownBy(() -> DotEnv.parse(List.of("PORT=1", "oops"), "/app/.env"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("/app/.env line 2: expected KEY=VALUE");
    }

    @Test
    void refusesAnUnterminatedQuote() {
        assertThatThrownBy(() -> DotEnv.parse(List.of("X=\"open"), ".env"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(".env line 1: unterminated quoted value");
    }
}

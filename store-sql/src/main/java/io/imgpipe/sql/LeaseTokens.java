package io.imgpipe.sql;

import java.util.UUID;

/**
 * Lease tokens: {@code <request seq>.<task no>.<random UUID>}. The random part makes each claim's
 * token unique, and every fenced write compares the whole token; the numbers only say which row
 * to look at, so a write finds its task by primary key and the tasks table needs no token index.
 */
final class LeaseTokens {

    private LeaseTokens() {
    }

    static String newToken(long requestSeq, int taskNo) {
        return requestSeq + "." + taskNo + "." + UUID.randomUUID();
    }

    /** The row a token names. */
    record TaskKey(long requestSeq, int taskNo) {
    }

    /**
     * {@return the row it names, or {@code null} if it is not a token of this repository (such a
     *     lease holds nothing)}
     *
     * @param token a lease token
     */
    static TaskKey parse(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1) {
            return null;
        }
        try {
            return new TaskKey(Long.parseLong(token, 0, first, 10), Integer.parseInt(token, first + 1, second, 10));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

package io.imgpipe.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoCursorNotFoundException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import io.imgpipe.RepositoryException;
import java.util.Set;

/**
 * Turns driver exceptions into {@link RepositoryException}s, retryable when the database may
 * recover by itself (network, timeouts, elections, shutdown) and not when the operation itself is
 * wrong (duplicate key, bad query, authorization).
 */
final class MongoErrors {

    /** Server error codes a later attempt may succeed after (the driver's retryable codes and a few more). */
    private static final Set<Integer> RETRYABLE_CODES = Set.of(
            6,     // HostUnreachable
            7,     // HostNotFound
            43,    // CursorNotFound
            50,    // MaxTimeMSExpired
            64,    // WriteConcernFailed
            89,    // NetworkTimeout
            91,    // ShutdownInProgress
            112,   // WriteConflict
            134,   // ReadConcernMajorityNotAvailableYet
            189,   // PrimarySteppedDown
            262,   // ExceededTimeLimit
            9001,  // SocketException
            10107, // NotWritablePrimary
            11600, // InterruptedAtShutdown
            11602, // InterruptedDueToReplStateChange
            13435, // NotPrimaryNoSecondaryOk
            13436  // NotPrimaryOrSecondary
    );

    private MongoErrors() {
    }

    /**
     * {@return the exception to throw, with {@code e} as its cause}
     *
     * @param what what was being done, naming the request or task
     * @param e the driver's exception
     */
    static RepositoryException translate(String what, MongoException e) {
        if (e instanceof MongoInterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new RepositoryException(what + " failed: " + describe(e), e, isRetryable(e));
    }

    /** {@return whether a later attempt of the same operation may succeed} */
    static boolean isRetryable(MongoException e) {
        if (isDuplicateKey(e)) {
            return false;
        }
        if (e instanceof MongoSocketException || e instanceof MongoTimeoutException
                || e instanceof MongoExecutionTimeoutException || e instanceof MongoOperationTimeoutException
                || e instanceof MongoNotPrimaryException || e instanceof MongoNodeIsRecoveringException
                || e instanceof MongoWriteConcernException || e instanceof MongoCursorNotFoundException
                || e instanceof MongoConnectionPoolClearedException) {
            return true;
        }
        if (e.hasErrorLabel(MongoException.RETRYABLE_ERROR_LABEL)
                || e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                || e.hasErrorLabel(MongoException.SYSTEM_OVERLOADED_ERROR_LABEL)) {
            return true;
        }
        if (e instanceof MongoBulkWriteException) {
            MongoBulkWriteException bulk = (MongoBulkWriteException) e;
            if (bulk.getWriteConcernError() != null) {
                return true;
            }
            return !bulk.getWriteErrors().isEmpty()
                    && bulk.getWriteErrors().stream().allMatch(error -> RETRYABLE_CODES.contains(error.getCode()));
        }
        if (e instanceof MongoWriteException) {
            return RETRYABLE_CODES.contains(((MongoWriteException) e).getError().getCode());
        }
        return RETRYABLE_CODES.contains(e.getCode());
    }

    /** {@return whether the exception reports a unique-index violation} */
    static boolean isDuplicateKey(MongoException e) {
        if (e instanceof MongoWriteException) {
            return ((MongoWriteException) e).getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }
        if (e instanceof MongoBulkWriteException) {
            for (BulkWriteError error : ((MongoBulkWriteException) e).getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                    return true;
                }
            }
            return false;
        }
        return ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY;
    }

    private static String describe(MongoException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}

package io.imgpipe.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;
import io.imgpipe.RepositoryException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class MongoErrorsTest {

    private static final ServerAddress SERVER = new ServerAddress("db.example", 27017);

    @Test
    void networkFailureIsRetryable() {
        RepositoryException e = MongoErrors.translate("claiming", new MongoSocketReadException("reset", SERVER));

        assertThat(e.retryable()).isTrue();
        assertThat(e.getCause()).isInstanceOf(MongoSocketReadException.class);
        assertThat(e.getMessage()).startsWith("claiming failed: MongoSocketReadException");
    }

    @Test
    void serverSelectionTimeoutIsRetryable() {
        assertThat(MongoErrors.translate("x", new MongoTimeoutException("no server")).retryable()).isTrue();
    }

    @Test
    void notPrimaryIsRetryable() {
        MongoNotPrimaryException e = new MongoNotPrimaryException(error(10107, "NotWritablePrimary"), SERVER);

        assertThat(MongoErrors.isRetryable(e)).isTrue();
    }

    @Test
    void primaryStepDownCodeIsRetryable() {
        assertThat(MongoErrors.isRetryable(new MongoCommandException(error(189, "PrimarySteppedDown"), SERVER))).isTrue();
    }

    @Test
    void retryableWriteLabelIsRetryable() {
        MongoException e = new MongoException(999_999, "odd");
        e.addLabel(MongoException.RETRYABLE_ERROR_LABEL);

        assertThat(MongoErrors.isRetryable(e)).isTrue();
    }

    @Test
    void duplicateKeyIsNotRetryable() {
        MongoWriteException e = new MongoWriteException(
                new WriteError(11000, "E11000 duplicate key", new BsonDocument()), SERVER);

        assertThat(MongoErrors.isDuplicateKey(e)).isTrue();
        assertThat(MongoErrors.translate("creating request r1", e).retryable()).isFalse();
    }

    @Test
    void badQueryIsNotRetryable() {
        assertThat(MongoErrors.isRetryable(new MongoCommandException(error(2, "BadValue"), SERVER))).isFalse();
    }

    @Test
    void unauthorizedIsNotRetryable() {
        assertThat(MongoErrors.isRetryable(new MongoCommandException(error(13, "Unauthorized"), SERVER))).isFalse();
    }

    private static BsonDocument error(int code, String name) {
        return new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
                .append("codeName", new BsonString(name)).append("errmsg", new BsonString(name));
    }
}

package io.p2pfs.common.problem;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.hibernate.exception.DataException;
import org.junit.jupiter.api.Test;

/** Text PostgreSQL refuses for its characters is the caller's input (400), wherever in the cause chain it shows. */
class UnstorableTextTests {

    @Test
    void aNulRefusedByTheDatabaseIsFoundThroughHibernateAndCompletionWrappers() {
        SQLException nul = new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021");
        assertTrue(ProblemMappers.unstorableText(new CompletionException(new DataException("select", nul))));
        assertTrue(ProblemMappers.unstorableText(nul));
        assertTrue(ProblemMappers.unstorableText(new SQLException("untranslatable", "22P05")));
    }

    @Test
    void otherDatabaseFailuresStayServerErrors() {
        assertFalse(ProblemMappers.unstorableText(new DataException("x", new SQLException("numeric overflow", "22003"))));
        assertFalse(ProblemMappers.unstorableText(new SQLException("connection lost", "08006")));
        assertFalse(ProblemMappers.unstorableText(new IllegalStateException("boom")));
    }
}

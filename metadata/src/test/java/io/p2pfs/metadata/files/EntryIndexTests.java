package io.p2pfs.metadata.files;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestCalls;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.metadata.TestUsers;
import io.p2pfs.testing.TestPostgres;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A name is found by reading its one entry, whatever PostgreSQL's statistics believe of the
 * directory: here one filled after the last ANALYZE (which then thinks it has no children), asked
 * for under custom and generic plans alike. With an index led by the parent to choose, the
 * planner read every child of such a directory to find one name.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class EntryIndexTests {

    private static final int FILES = 60;
    private static final Pattern ROWS_REMOVED = Pattern.compile("\"Rows Removed by Filter\": (\\d+)");

    @Test
    void aStatReadsOneEntryInADirectoryTheStatisticsDoNotKnow() throws Exception {
        String tag = TestCalls.tag();
        String token = TestUsers.token("ix-" + tag);
        String dir = "/ix-" + tag + "/big-" + tag;
        TestCalls.home(token, dir);
        TestPeers.execute("ANALYZE entries");
        for (int i = 0; i < FILES; i++) {
            TestCalls.upload(token, dir + "/f-" + i, new byte[] {(byte) i}).then().statusCode(201);
        }
        String etag = given().auth().oauth2(token).get("/api/v1/stat" + dir + "/f-" + (FILES / 2)).then()
                .statusCode(200).extract().path("etag");
        long entryId = Long.parseLong(etag.replace("\"", "").split("\\.")[0]);

        long parent = TestPeers.count("SELECT parent_id FROM entries WHERE entry_id = " + entryId);
        String hmac = TestPeers.rows("SELECT encode(name_hmac, 'hex') FROM entries WHERE entry_id = " + entryId)
                .getFirst();
        assertEquals(FILES, TestPeers.count("SELECT count(*) FROM entries WHERE parent_id = " + parent));
        // PREPARE and SET hold for one session: the plans are read on a connection of their own.
        try (Connection sql = connect(); Statement statement = sql.createStatement()) {
            // The test's database is small enough to be read whole; what is asked here is which index
            // a name lookup takes once the table is too big for that.
            statement.execute("SET enable_seqscan = off");
            statement.execute("PREPARE one_key(bigint, bytea) AS " + FastStat.ONE_KEY);
            statement.execute("PREPARE any_key(bigint, bytea[]) AS " + FastStat.ANY_KEY);
            for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                statement.execute("SET plan_cache_mode = " + mode);
                List<String> executes = new ArrayList<>(List.of("one_key(" + parent + ", decode('" + hmac + "', 'hex'))"));
                if (mode.equals("force_custom_plan")) {
                    // The statement used while a rotation runs is planned for its names each time (its
                    // generic plan, which knows no array size, is never the cheaper one in a big table).
                    executes.add("any_key(" + parent + ", ARRAY[decode('" + hmac + "', 'hex')])");
                }
                for (String execute : executes) {
                    String plan = explain(statement, "EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE " + execute);
                    String where = mode + " " + execute + ":\n" + plan;
                    assertTrue(plan.contains("\"Index Name\": \"entries_unique_name\""), where);
                    assertTrue(!plan.contains("\"Index Name\": \"entries_children\""), where);
                    for (Matcher removed = ROWS_REMOVED.matcher(plan); removed.find();) {
                        assertEquals("0", removed.group(1), "no entry read and thrown away: " + where);
                    }
                }
            }
        }
        // And the service answers from that statement: the stat is the file's.
        assertEquals(1, given().auth().oauth2(token).get("/api/v1/stat" + dir + "/f-" + (FILES / 2)).then()
                .statusCode(200).extract().<Integer>path("size"));
    }

    private static Connection connect() throws SQLException {
        return TestPostgres.shared().connect(ConfigProvider.getConfig().getValue("p2pfs.test.database", String.class));
    }

    private static String explain(Statement statement, String query) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                lines.add(rows.getString(1));
            }
        }
        return String.join("\n", lines);
    }
}

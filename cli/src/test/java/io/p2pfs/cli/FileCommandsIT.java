package io.p2pfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** put, get, cat, ls, stat, mkdir, mv, cp, rm, versions and restore against the real services. */
class FileCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static CliStack stack;
    private static Path alice;

    @BeforeAll
    static void login() {
        stack = CliStack.shared();
        alice = stack.loggedIn("alice");
    }

    private static String base() {
        return "/alice/files-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private CliStack.Run ok(String... args) {
        CliStack.Run run = stack.run(alice, alice, args);
        assertEquals(0, run.exit(), String.join(" ", args) + "\n" + run);
        return run;
    }

    @Test
    void aFilePutAndGotBackIsByteIdentical() throws Exception {
        String dir = base();
        byte[] content = random(5 * 1024 * 1024 + 123, 1);
        Files.write(alice.resolve("five.bin"), content);
        CliStack.Run put = ok("put", "five.bin", dir + "/");
        assertTrue(put.out().contains("uploaded " + dir + "/five.bin"), put.out());
        Path back = alice.resolve("back-" + UUID.randomUUID());
        CliStack.Run get = ok("get", dir + "/five.bin", back.toString());
        assertTrue(get.out().contains("downloaded " + dir + "/five.bin"), get.out());
        assertArrayEquals(content, Files.readAllBytes(back));
        assertFalse(Files.exists(back.resolveSibling(back.getFileName() + ".p2pfs-part")));
        assertEquals("hello", new String(catOf(dir, "hello")));
    }

    private byte[] catOf(String dir, String text) throws IOException {
        Files.writeString(alice.resolve("small.txt"), text);
        ok("put", "small.txt", dir + "/small.txt");
        return ok("cat", dir + "/small.txt").out().getBytes();
    }

    @Test
    void aFolderPutRecursivelyComesBackWholeWithGetRecursive() throws Exception {
        String dir = base();
        Path tree = alice.resolve("tree-" + UUID.randomUUID());
        Files.createDirectories(tree.resolve("a/b"));
        Files.createDirectories(tree.resolve("empty"));
        Files.write(tree.resolve("top.bin"), random(70_000, 2));
        Files.write(tree.resolve("a/one.bin"), random(1_500_000, 3));
        Files.write(tree.resolve("a/b/two.bin"), random(10, 4));
        CliStack.Run put = ok("put", "-r", "--json", tree.toString(), dir + "/");
        assertEquals(3, JSON.readTree(put.out()).size(), put.out());
        String remoteTree = dir + "/" + tree.getFileName();
        assertEquals("DIR", JSON.readTree(ok("stat", "--json", remoteTree + "/empty").out()).path("type").asText());

        Path back = alice.resolve("back-" + UUID.randomUUID());
        Files.createDirectories(back);
        ok("get", "-r", remoteTree, back.toString());
        Path copy = back.resolve(tree.getFileName());
        for (String file : List.of("top.bin", "a/one.bin", "a/b/two.bin")) {
            assertArrayEquals(Files.readAllBytes(tree.resolve(file)), Files.readAllBytes(copy.resolve(file)), file);
        }
        assertTrue(Files.isDirectory(copy.resolve("empty")));
    }

    @Test
    void lsLongShowsSizesVersionsAndOwnersAndItsJsonMatchesTheHumanOutput() throws Exception {
        String dir = base();
        ok("mkdir", "-p", dir + "/sub/deeper");
        Files.write(alice.resolve("a.bin"), random(1234, 5));
        ok("put", "a.bin", dir + "/a.bin");
        ok("put", "a.bin", dir + "/a.bin");
        Files.write(alice.resolve("b.bin"), random(99, 6));
        ok("put", "b.bin", dir + "/sub/b.bin");

        CliStack.Run human = ok("ls", "-l", dir);
        List<String> lines = human.out().lines().toList();
        assertEquals(2, lines.size(), human.out());
        String file = lines.stream().filter(line -> line.endsWith(" a.bin")).findFirst().orElseThrow();
        String directory = lines.stream().filter(line -> line.endsWith(" sub/")).findFirst().orElseThrow();
        assertTrue(file.matches("1234\\s+v2\\s+alice\\s+\\S+ \\S+\\s+a\\.bin"), file);
        assertTrue(directory.matches("-\\s+-\\s+alice\\s+\\S+ \\S+\\s+sub/"), directory);

        JsonNode json = JSON.readTree(ok("ls", "-l", "--json", dir).out());
        List<String> names = new ArrayList<>();
        json.forEach(entry -> names.add(entry.path("name").asText() + ("DIR".equals(entry.path("type").asText())
                ? "/" : "")));
        assertEquals(lines.stream().map(line -> line.substring(line.lastIndexOf(' ') + 1)).toList(), names);
        JsonNode fileEntry = null;
        for (JsonNode entry : json) {
            fileEntry = entry.path("name").asText().equals("a.bin") ? entry : fileEntry;
        }
        assertEquals(1234, fileEntry.path("size").asLong());
        assertEquals(2, fileEntry.path("version").asInt());

        JsonNode recursive = JSON.readTree(ok("ls", "-R", "--json", dir).out());
        List<String> paths = new ArrayList<>();
        recursive.forEach(entry -> paths.add(entry.path("path").asText()));
        assertTrue(paths.containsAll(List.of(dir + "/a.bin", dir + "/sub", dir + "/sub/b.bin", dir + "/sub/deeper")),
                paths.toString());

        CliStack.Run stat = ok("stat", dir + "/a.bin");
        assertTrue(stat.out().contains("size: 1234"), stat.out());
        assertTrue(stat.out().contains("version: 2"), stat.out());
        JsonNode statJson = JSON.readTree(ok("stat", "--json", dir + "/a.bin").out());
        assertTrue(stat.out().contains("sha256: " + statJson.path("sha256").asText()), stat.out());
    }

    @Test
    void mvRenamesAndMovesIntoDirectoriesCpCopiesAndRmRecursiveRemovesTrees() throws Exception {
        String dir = base();
        byte[] content = random(300_000, 7);
        Files.write(alice.resolve("m.bin"), content);
        ok("put", "m.bin", dir + "/m.bin");
        ok("mkdir", dir + "/into");
        ok("mv", dir + "/m.bin", dir + "/renamed.bin");
        assertEquals(ExitCodes.NOT_FOUND, stack.run(alice, alice, "stat", dir + "/m.bin").exit());
        ok("mv", dir + "/renamed.bin", dir + "/into");
        ok("cp", dir + "/into/renamed.bin", dir + "/copy.bin");
        ok("cp", "-r", dir + "/into", dir + "/into-copy");
        for (String path : List.of(dir + "/into/renamed.bin", dir + "/copy.bin", dir + "/into-copy/renamed.bin")) {
            Path back = alice.resolve("back-" + UUID.randomUUID());
            ok("get", path, back.toString());
            assertArrayEquals(content, Files.readAllBytes(back), path);
        }
        CliStack.Run notEmpty = stack.run(alice, alice, "rm", dir + "/into");
        assertEquals(ExitCodes.CONFLICT, notEmpty.exit(), notEmpty.toString());
        assertTrue(notEmpty.err().contains("rm -r"), notEmpty.err());
        ok("rm", "-r", dir + "/into");
        assertEquals(ExitCodes.NOT_FOUND, stack.run(alice, alice, "stat", dir + "/into/renamed.bin").exit());
        assertEquals(ExitCodes.NOT_FOUND, stack.run(alice, alice, "stat", dir + "/into").exit());
        ok("stat", dir + "/into-copy/renamed.bin");
        ok("rm", "-f", dir + "/never-there");
    }

    @Test
    void versionsListsEveryWriteAndRestoreMakesAnOldOneCurrent() throws Exception {
        String dir = base();
        Files.writeString(alice.resolve("v.txt"), "first");
        ok("put", "v.txt", dir + "/v.txt");
        Files.writeString(alice.resolve("v.txt"), "second");
        ok("put", "v.txt", dir + "/v.txt");
        JsonNode versions = JSON.readTree(ok("versions", "--json", dir + "/v.txt").out());
        assertEquals(2, versions.size());
        assertEquals("first", ok("cat", "--version", "1", dir + "/v.txt").out());
        ok("restore", dir + "/v.txt", "1");
        assertEquals("first", ok("cat", dir + "/v.txt").out());
        assertEquals(3, JSON.readTree(ok("versions", "--json", dir + "/v.txt").out()).size());
        assertTrue(ok("versions", dir + "/v.txt").out().contains("v3*"));
    }

    @Test
    void getResumesAPartialDownloadOfTheSameVersionAndStartsOverForAnother() throws Exception {
        String dir = base();
        byte[] content = random(3 * 1024 * 1024, 8);
        Files.write(alice.resolve("r.bin"), content);
        ok("put", "r.bin", dir + "/r.bin");
        JsonNode stat = JSON.readTree(ok("stat", "--json", dir + "/r.bin").out());
        Path target = alice.resolve("resumed-" + UUID.randomUUID() + ".bin");
        Path part = target.resolveSibling(target.getFileName() + ".p2pfs-part");
        // What an interrupted get leaves: the first bytes and the record of which version they are.
        Files.write(part, java.util.Arrays.copyOf(content, 1_000_000));
        Files.writeString(target.resolveSibling(target.getFileName() + ".p2pfs-part.json"),
                "{\"path\":\"" + dir + "/r.bin\",\"version\":" + stat.path("version").asInt() + ",\"etag\":"
                        + JSON.writeValueAsString(stat.path("etag").asText()) + ",\"size\":" + content.length + "}");
        JsonNode resumed = JSON.readTree(ok("get", "--json", dir + "/r.bin", target.toString()).out());
        assertEquals(1_000_000, resumed.get(0).path("resumedFrom").asLong());
        assertArrayEquals(content, Files.readAllBytes(target));
        assertFalse(Files.exists(part));

        // A part whose bytes are not the file's is caught by the SHA-256 check and removed.
        Path bad = alice.resolve("bad-" + UUID.randomUUID() + ".bin");
        Path badPart = bad.resolveSibling(bad.getFileName() + ".p2pfs-part");
        Files.write(badPart, random(1_000_000, 99));
        Files.writeString(bad.resolveSibling(bad.getFileName() + ".p2pfs-part.json"),
                "{\"path\":\"" + dir + "/r.bin\",\"version\":" + stat.path("version").asInt() + ",\"etag\":"
                        + JSON.writeValueAsString(stat.path("etag").asText()) + ",\"size\":" + content.length + "}");
        CliStack.Run refused = stack.run(alice, alice, "get", dir + "/r.bin", bad.toString());
        assertEquals(ExitCodes.OTHER, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("does not match its SHA-256"), refused.err());
        assertFalse(Files.exists(badPart));
        assertFalse(Files.exists(bad));
        ok("get", dir + "/r.bin", bad.toString());
        assertArrayEquals(content, Files.readAllBytes(bad));

        // A part of an older version is not resumed: the new content is fetched from the start.
        Files.write(part, java.util.Arrays.copyOf(content, 500_000));
        Files.writeString(target.resolveSibling(target.getFileName() + ".p2pfs-part.json"),
                "{\"path\":\"" + dir + "/r.bin\",\"version\":1,\"etag\":\"\\\"old\\\"\",\"size\":" + content.length + "}");
        byte[] newer = random(2 * 1024 * 1024, 9);
        Files.write(alice.resolve("r.bin"), newer);
        ok("put", "r.bin", dir + "/r.bin");
        JsonNode fresh = JSON.readTree(ok("get", "--json", dir + "/r.bin", target.toString()).out());
        assertEquals(0, fresh.get(0).path("resumedFrom").asLong());
        assertArrayEquals(newer, Files.readAllBytes(target));
    }
}

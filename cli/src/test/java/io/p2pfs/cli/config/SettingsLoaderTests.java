package io.p2pfs.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.cli.CliEnvironment;
import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTests {

    @TempDir
    Path folder;

    private CliEnvironment env(Map<String, String> variables) {
        return new CliEnvironment(variables, new ByteArrayInputStream(new byte[0]), new PrintStream(PrintStream.nullOutputStream()),
                new PrintStream(PrintStream.nullOutputStream()), folder, false, 80);
    }

    @Test
    void withNothingConfiguredTheLocalStackIsUsed() {
        Settings settings = SettingsLoader.load(env(Map.of("P2PFS_CONFIG_DIR", folder.toString())), null);
        assertEquals("default", settings.profile());
        assertEquals("https://localhost:8442", settings.metadataUrl());
        assertEquals("https://localhost:8441", settings.trackerUrl());
        assertEquals("http://localhost:8180/realms/p2pfs", settings.issuer());
        assertEquals("p2pfs-cli", settings.clientId());
        assertNull(settings.ca());
        assertEquals(folder.resolve("tokens/default.json"), settings.tokenFile());
    }

    @Test
    void variablesWinOverTheProfileWhichWinsOverDefaults() throws Exception {
        Files.writeString(folder.resolve("config"), """
                # comment
                [default]
                metadata = https://files.example.com/
                tracker = https://tracker.example.com

                [prod]
                metadata = https://prod.example.com
                ca = certs/ca.pem
                """);
        Map<String, String> variables = new HashMap<>(Map.of("P2PFS_CONFIG_DIR", folder.toString(),
                "P2PFS_TRACKER_URL", "https://override.example.com"));
        Settings standard = SettingsLoader.load(env(variables), null);
        assertEquals("https://files.example.com", standard.metadataUrl());
        assertEquals("https://override.example.com", standard.trackerUrl());
        Settings prod = SettingsLoader.load(env(variables), "prod");
        assertEquals("https://prod.example.com", prod.metadataUrl());
        assertEquals(folder.resolve("certs/ca.pem"), prod.ca());
        variables.put("P2PFS_PROFILE", "prod");
        assertEquals("prod", SettingsLoader.load(env(variables), null).profile());
        assertEquals("default", SettingsLoader.load(env(variables), "default").profile());
    }

    @Test
    void theConfigFolderFollowsXdgThenHome() {
        assertEquals(Path.of("/x/p2pfs"), SettingsLoader.configDirectory(env(Map.of("XDG_CONFIG_HOME", "/x",
                "HOME", "/h"))));
        assertEquals(Path.of("/h/.config/p2pfs"), SettingsLoader.configDirectory(env(Map.of("HOME", "/h"))));
    }

    @Test
    void badProfileNamesAndUnknownKeysAreUsageErrors() throws Exception {
        CliFailure name = assertThrows(CliFailure.class, () -> SettingsLoader.load(env(Map.of("P2PFS_CONFIG_DIR",
                folder.toString())), "../etc"));
        assertEquals(ExitCodes.USAGE, name.exitCode());
        Files.writeString(folder.resolve("config"), "[default]\ncolour = blue\n");
        CliFailure key = assertThrows(CliFailure.class, () -> SettingsLoader.load(env(Map.of("P2PFS_CONFIG_DIR",
                folder.toString())), null));
        assertTrue(key.getMessage().contains("line 2"), key.getMessage());
        Files.writeString(folder.resolve("config"), "[default]\njust words\n");
        assertThrows(CliFailure.class, () -> SettingsLoader.load(env(Map.of("P2PFS_CONFIG_DIR", folder.toString())), null));
    }

    @Test
    void writtenProfilesReadBackTheSame() {
        Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
        profiles.put("default", new LinkedHashMap<>(Map.of("metadata", "https://a")));
        profiles.put("prod", new LinkedHashMap<>(Map.of("issuer", "https://b/realms/p2pfs")));
        SettingsLoader.writeProfiles(folder.resolve("config"), profiles);
        assertEquals(profiles, SettingsLoader.readProfiles(folder.resolve("config")));
    }
}

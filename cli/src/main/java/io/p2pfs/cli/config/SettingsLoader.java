package io.p2pfs.cli.config;

import io.p2pfs.cli.CliEnvironment;
import io.p2pfs.cli.CliFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resolves a profile's {@link Settings}: an environment variable wins over the profile's entry
 * in the config file, which wins over the local stack's defaults. The config file is
 * {@code <config dir>/config}, sections per profile:
 *
 * <pre>
 * [default]
 * metadata = https://localhost:8442
 *
 * [prod]
 * metadata = https://files.example.com
 * issuer = https://login.example.com/realms/p2pfs
 * ca = /etc/p2pfs/ca.crt
 * </pre>
 *
 * Keys: {@code metadata}, {@code tracker}, {@code audit}, {@code issuer}, {@code client-id},
 * {@code ca}; variables {@code P2PFS_METADATA_URL}, {@code P2PFS_TRACKER_URL},
 * {@code P2PFS_AUDIT_URL}, {@code P2PFS_ISSUER_URL}, {@code P2PFS_CLIENT_ID}, {@code P2PFS_CA}.
 * The profile: {@code --profile}, else {@code P2PFS_PROFILE}, else {@code default}. The config
 * dir: {@code P2PFS_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/p2pfs}, else {@code ~/.config/p2pfs}.
 */
public final class SettingsLoader {

    /** The keys of a profile, their variables and the local stack's defaults. */
    public static final List<Key> KEYS = List.of(
            new Key("metadata", "P2PFS_METADATA_URL", "https://localhost:8442"),
            new Key("tracker", "P2PFS_TRACKER_URL", "https://localhost:8441"),
            new Key("audit", "P2PFS_AUDIT_URL", "https://localhost:8443"),
            new Key("issuer", "P2PFS_ISSUER_URL", "http://localhost:8180/realms/p2pfs"),
            new Key("client-id", "P2PFS_CLIENT_ID", "p2pfs-cli"),
            new Key("ca", "P2PFS_CA", null));

    public record Key(String name, String variable, String defaultValue) {
    }

    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private SettingsLoader() {
    }

    public static Path configDirectory(CliEnvironment environment) {
        String explicit = environment.variable("P2PFS_CONFIG_DIR");
        if (explicit != null) {
            return Path.of(explicit);
        }
        String xdg = environment.variable("XDG_CONFIG_HOME");
        if (xdg != null) {
            return Path.of(xdg, "p2pfs");
        }
        String home = environment.variable("HOME");
        return Path.of(home == null ? System.getProperty("user.home") : home, ".config", "p2pfs");
    }

    public static String profile(CliEnvironment environment, String flag) {
        String profile = flag != null ? flag : environment.variable("P2PFS_PROFILE");
        profile = profile == null ? "default" : profile;
        if (!PROFILE.matcher(profile).matches()) {
            throw CliFailure.usage("a profile name is 1-64 letters, digits, '.', '_' or '-': " + profile);
        }
        return profile;
    }

    public static Settings load(CliEnvironment environment, String profileFlag) {
        Path directory = configDirectory(environment);
        String profile = profile(environment, profileFlag);
        Map<String, String> file = readProfiles(directory.resolve("config")).getOrDefault(profile, Map.of());
        Map<String, String> value = new LinkedHashMap<>();
        for (Key key : KEYS) {
            String resolved = environment.variable(key.variable());
            if (resolved == null) {
                resolved = file.get(key.name());
            }
            value.put(key.name(), resolved == null ? key.defaultValue() : resolved);
        }
        String ca = value.get("ca");
        return new Settings(profile, strip(value.get("metadata")), strip(value.get("tracker")),
                strip(value.get("audit")), strip(value.get("issuer")), value.get("client-id"),
                ca == null ? null : environment.local(ca), directory);
    }

    /** Every profile of the config file, its keys in file order (an absent file: none). */
    public static Map<String, Map<String, String>> readProfiles(Path file) {
        Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return profiles;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String section = "default";
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                profiles.computeIfAbsent(section, name -> new LinkedHashMap<>());
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw CliFailure.usage(file + " line " + number + ": expected 'key = value' or '[profile]'");
            }
            String key = line.substring(0, equals).strip();
            if (KEYS.stream().noneMatch(known -> known.name().equals(key))) {
                throw CliFailure.usage(file + " line " + number + ": unknown key '" + key + "'");
            }
            profiles.computeIfAbsent(section, name -> new LinkedHashMap<>()).put(key, line.substring(equals + 1).strip());
        }
        return profiles;
    }

    /** Writes the profiles back in the file's format. */
    public static void writeProfiles(Path file, Map<String, Map<String, String>> profiles) {
        StringBuilder text = new StringBuilder("# p2pfs command settings, one section per profile\n");
        profiles.forEach((name, keys) -> {
            text.append('\n').append('[').append(name).append("]\n");
            keys.forEach((key, v) -> text.append(key).append(" = ").append(v).append('\n'));
        });
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String strip(String url) {
        if (url == null) {
            return null;
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

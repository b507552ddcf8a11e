package io.p2pfs.cli.commands;

import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import io.p2pfs.cli.config.Settings;
import io.p2pfs.cli.config.SettingsLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The settings of the profiles: where the services are, whom to log in with, which CA to trust. */
@Command(name = "config", mixinStandardHelpOptions = true, description = {"Show and change the settings of a profile.",
    "Keys: metadata, tracker, audit (service URLs), issuer (Keycloak realm URL), client-id, ca (CA file).",
    "Order: P2PFS_* variables (P2PFS_METADATA_URL, P2PFS_TRACKER_URL, P2PFS_AUDIT_URL, P2PFS_ISSUER_URL,",
    "P2PFS_CLIENT_ID, P2PFS_CA), then the profile in the config file, then the local stack's defaults."},
        subcommands = {ConfigCommands.Show.class, ConfigCommands.Set.class, ConfigCommands.Unset.class},
        footerHeading = "%nExamples:%n", footer = {"  p2pfs config show",
            "  p2pfs --profile prod config set metadata https://files.example.com",
            "  p2pfs --profile prod config set issuer https://login.example.com/realms/p2pfs",
            "  p2pfs config set ca ~/p2pfs-ca.crt"})
public final class ConfigCommands extends CommandGroup {


    @Command(name = "show", description = "Show the profile's settings as they apply now, and the config file.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs config show", "  p2pfs --profile prod config show --json"})
    public static final class Show extends CliCommand {
        @Override
        protected int execute() {
            Settings settings = settings();
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("profile", settings.profile());
            shown.put("metadata", settings.metadataUrl());
            shown.put("tracker", settings.trackerUrl());
            shown.put("audit", settings.auditUrl());
            shown.put("issuer", settings.issuer());
            shown.put("client-id", settings.clientId());
            shown.put("ca", settings.ca() == null ? null : settings.ca().toString());
            shown.put("configFile", settings.configDirectory().resolve("config").toString());
            shown.put("loggedIn", credentials().cached() != null);
            if (jsonOutput()) {
                printer().json(shown);
            } else {
                shown.forEach((key, value) -> printer().line(key + ": " + (value == null ? "-" : value)));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", description = "Set a key of the profile in the config file.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs config set metadata https://files.example.com", "  p2pfs --profile prod config set ca ~/prod-ca.crt"})
    public static final class Set extends CliCommand {
        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Override
        protected int execute() {
            change(this, key, value);
            return ExitCodes.OK;
        }
    }

    @Command(name = "unset", description = "Remove a key from the profile in the config file.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs config unset ca"})
    public static final class Unset extends CliCommand {
        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Override
        protected int execute() {
            change(this, key, null);
            return ExitCodes.OK;
        }
    }

    static void change(CliCommand command, String key, String value) {
        if (SettingsLoader.KEYS.stream().noneMatch(known -> known.name().equals(key))) {
            throw CliFailure.usage("unknown key '" + key + "'; keys: metadata, tracker, audit, issuer, client-id, ca");
        }
        String profile = SettingsLoader.profile(command.env(), command.global.profile);
        Path file = SettingsLoader.configDirectory(command.env()).resolve("config");
        Map<String, Map<String, String>> profiles = SettingsLoader.readProfiles(file);
        Map<String, String> keys = profiles.computeIfAbsent(profile, name -> new LinkedHashMap<>());
        if (value == null) {
            keys.remove(key);
        } else {
            keys.put(key, key.equals("ca") ? command.env().local(value).toString() : value);
        }
        SettingsLoader.writeProfiles(file, profiles);
        if (command.jsonOutput()) {
            command.printer().json(Map.of("profile", profile, "key", key, "value", value == null ? "" : keys.get(key)));
        } else {
            command.printer().line(value == null ? "unset " + key + " in profile " + profile
                    : "set " + key + " = " + keys.get(key) + " in profile " + profile);
        }
    }
}

package io.p2pfs.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import io.p2pfs.cli.auth.Jwt;
import io.p2pfs.cli.auth.Oidc;
import io.p2pfs.cli.auth.TokenCache;
import io.p2pfs.cli.config.Settings;
import io.p2pfs.cli.output.Printer;
import io.p2pfs.client.P2pfsException;
import io.p2pfs.client.api.Access;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Logging in and out, and who the current login is. */
public final class SessionCommands {

    private SessionCommands() {
    }

    @Command(name = "login", description = {"Log in with Keycloak and register your user id on first login.",
        "Without --password: the device login; open the URL shown, enter the code, and approve."},
            footerHeading = "%nExamples:%n", footer = {
                "  p2pfs login                                  # device login in a browser",
                "  p2pfs login --password -u alice              # asks for the password",
                "  P2PFS_PASSWORD=... p2pfs login --password -u alice",
                "  printf '%%s' \"$PW\" | p2pfs login --password -u alice --password-stdin",
                "  p2pfs --profile prod login                   # another profile (p2pfs config --help)"})
    public static final class Login extends CliCommand {

        @Option(names = "--password", description = "Log in with a user name and password (scripts, tests).")
        boolean password;

        @Option(names = {"-u", "--user"}, paramLabel = "LOGIN", description = "The user name for --password.")
        String user;

        @Option(names = "--password-stdin", description = "Read the password from standard input.")
        boolean passwordStdin;

        @Override
        protected int execute() throws IOException {
            Settings settings = settings();
            TokenCache.Login login;
            try (Oidc oidc = new Oidc(settings.issuer(), settings.clientId(), settings.ca())) {
                login = authenticate(oidc);
            }
            credentials().remember(login);
            Access.User registered = register();
            credentials().remember(credentials().cached().withUserId(registered.userId()));
            if (jsonOutput()) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("profile", settings.profile());
                answer.put("login", login.login());
                answer.put("userId", registered.userId());
                answer.put("expiresAt", login.accessExpiresAt());
                printer().json(answer);
            } else {
                printer().line("Logged in as " + login.login() + " (user id " + registered.userId() + ", profile "
                        + settings.profile() + ")");
            }
            return ExitCodes.OK;
        }

        private TokenCache.Login authenticate(Oidc oidc) throws IOException {
            Oidc.Endpoints endpoints = oidc.discover();
            if (password || user != null || passwordStdin) {
                String name = user != null ? user : ask("User: ");
                return oidc.password(endpoints, name, secret());
            }
            Oidc.DeviceAuthorization device = oidc.startDevice(endpoints);
            String url = device.verificationUriComplete() != null ? device.verificationUriComplete()
                    : device.verificationUri();
            if (jsonOutput()) {
                Map<String, Object> prompt = new LinkedHashMap<>();
                prompt.put("verificationUri", device.verificationUri());
                prompt.put("verificationUriComplete", device.verificationUriComplete());
                prompt.put("userCode", device.userCode());
                prompt.put("expiresInSeconds", device.expiresInSeconds());
                env().err().println(Printer.JSON.writeValueAsString(Map.of("deviceLogin", prompt)));
            } else {
                env().err().println("To log in, open " + url);
                env().err().println("and confirm the code " + device.userCode() + " (valid "
                        + device.expiresInSeconds() / 60 + " min). Waiting...");
            }
            env().err().flush();
            return oidc.awaitDevice(endpoints, device, seconds -> { });
        }

        /** The user's record at the tracker, registering it first when this login has none. */
        private Access.User register() {
            try {
                return client().me();
            } catch (P2pfsException e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
            // A login's user id is its login name; an admin who assigned another has registered it already.
            client().register(null);
            return client().me();
        }

        private String secret() throws IOException {
            if (passwordStdin) {
                BufferedReader reader = new BufferedReader(new InputStreamReader(env().in(), StandardCharsets.UTF_8));
                String line = reader.readLine();
                if (line == null || line.isEmpty()) {
                    throw CliFailure.usage("no password on standard input");
                }
                return line;
            }
            String fromEnvironment = env().variable("P2PFS_PASSWORD");
            if (fromEnvironment != null) {
                return fromEnvironment;
            }
            Console console = System.console();
            if (console == null || !env().terminal()) {
                throw CliFailure.usage("no terminal to ask the password on: use --password-stdin or P2PFS_PASSWORD");
            }
            char[] typed = console.readPassword("Password: ");
            if (typed == null || typed.length == 0) {
                throw CliFailure.usage("no password given");
            }
            return new String(typed);
        }

        private String ask(String prompt) {
            Console console = System.console();
            if (console == null || !env().terminal()) {
                throw CliFailure.usage("give the user name with -u");
            }
            String answer = console.readLine(prompt);
            if (answer == null || answer.isBlank()) {
                throw CliFailure.usage("no user name given");
            }
            return answer.strip();
        }
    }

    @Command(name = "logout", description = "End the login of this profile at Keycloak and forget its tokens.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs logout", "  p2pfs --profile prod logout"})
    public static final class Logout extends CliCommand {

        @Override
        protected int execute() {
            TokenCache.Login login = credentials().cached();
            boolean ended = false;
            if (login != null) {
                try (Oidc oidc = new Oidc(login.issuer(), login.clientId(), settings().ca())) {
                    ended = oidc.endSession(login);
                }
            }
            boolean forgotten = credentials().cache().delete();
            if (jsonOutput()) {
                printer().json(Map.of("profile", settings().profile(), "loggedOut", forgotten, "sessionEnded", ended));
            } else {
                printer().line(forgotten ? "Logged out of profile " + settings().profile()
                        + (ended ? "" : " (the session could not be ended at the issuer; it expires by itself)")
                        : "Profile " + settings().profile() + " was not logged in");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "whoami", description = "Show who this profile is logged in as: login, user id, roles, groups.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs whoami", "  p2pfs whoami --json | jq -r .userId"})
    public static final class Whoami extends CliCommand {

        @Override
        protected int execute() {
            TokenCache.Login login = credentials().current();
            JsonNode claims = Jwt.claims(login.accessToken());
            List<String> roles = new ArrayList<>();
            claims.path("realm_access").path("roles").forEach(role -> roles.add(role.asText()));
            List<String> groups = new ArrayList<>();
            claims.path("groups").forEach(group -> groups.add(group.asText()));
            home();
            login = credentials().current();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("profile", settings().profile());
            answer.put("login", login.login());
            answer.put("userId", login.userId());
            answer.put("roles", roles.stream().filter(role -> List.of("user", "auditor", "admin", "node")
                    .contains(role)).toList());
            answer.put("groups", groups);
            answer.put("issuer", login.issuer());
            answer.put("accessExpiresAt", login.accessExpiresAt());
            answer.put("refreshExpiresAt", login.refreshExpiresAt());
            if (jsonOutput()) {
                printer().json(answer);
            } else {
                answer.forEach((key, value) -> printer().line(key + ": " + (value instanceof java.time.Instant when
                        ? Printer.when(when) : value instanceof List<?> list ? String.join(", ",
                                list.stream().map(Object::toString).toList()) : value)));
            }
            return ExitCodes.OK;
        }
    }
}

package io.p2pfs.k8s;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each service's container names every setting the service needs in prod, compared with its own
 * {@code application.properties}: a setting whose prod value points at localhost, a
 * {@code ${VARIABLE}} with no default, and what the service's extensions need with no default
 * (the HTTPS certificate when plain HTTP is off, the database password, the OIDC issuer, the
 * OIDC client's secret).
 */
public final class SettingsChecks {

    /** Container images (before the images: rewrite) and their Maven modules. */
    public static final Map<String, String> MODULES = Map.of(
            "tracker", "tracker",
            "metadata", "metadata",
            "audit-consumer", "audit-consumer",
            "peer-agent", "peer-agent");

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}:]+)(:[^}]*)?}");

    private SettingsChecks() {
    }

    /** A setting the service needs, the environment variables that would give it, and why. */
    public record Required(String property, Set<String> variables, String why) {
    }

    /** The effective prod settings of a module: unprofiled keys, overridden by %prod. ones. */
    public static Map<String, String> prodSettings(Path applicationProperties) {
        Properties raw = new Properties();
        try (Reader reader = Files.newBufferedReader(applicationProperties)) {
            raw.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        raw.stringPropertyNames().stream().sorted().filter(k -> !k.startsWith("%"))
                .forEach(k -> settings.put(k, raw.getProperty(k)));
        raw.stringPropertyNames().stream().sorted().filter(k -> k.startsWith("%prod."))
                .forEach(k -> settings.put(k.substring("%prod.".length()), raw.getProperty(k)));
        return settings;
    }

    /** The environment variable Quarkus maps to a property. */
    public static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    public static List<Required> required(Map<String, String> prod) {
        List<Required> required = new ArrayList<>();
        prod.forEach((property, value) -> {
            Set<String> variables = new LinkedHashSet<>();
            variables.add(envName(property));
            Matcher expression = EXPRESSION.matcher(value);
            boolean needsVariable = false;
            while (expression.find()) {
                variables.add(expression.group(1));
                needsVariable |= expression.group(2) == null;
            }
            if (value.contains("localhost") || value.contains("127.0.0.1")) {
                required.add(new Required(property, variables, "its prod value points at this machine: " + value));
            } else if (needsVariable) {
                required.add(new Required(property, variables, "its prod value needs a variable with no default: " + value));
            }
        });
        if ("disabled".equals(prod.get("quarkus.http.insecure-requests"))) {
            required.add(new Required("quarkus.http.ssl.certificate.files",
                    Set.of("QUARKUS_HTTP_SSL_CERTIFICATE_FILES"), "plain HTTP is off, so HTTPS needs a certificate"));
            required.add(new Required("quarkus.http.ssl.certificate.key-files",
                    Set.of("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES"), "plain HTTP is off, so HTTPS needs a key"));
        }
        if (prod.containsKey("quarkus.datasource.db-kind") && !prod.containsKey("quarkus.datasource.password")) {
            required.add(new Required("quarkus.datasource.password", Set.of("QUARKUS_DATASOURCE_PASSWORD"),
                    "the service has a database and no password in its configuration"));
        }
        if (prod.containsKey("quarkus.oidc.application-type") && !prod.containsKey("quarkus.oidc.auth-server-url")) {
            required.add(new Required("quarkus.oidc.auth-server-url", Set.of("QUARKUS_OIDC_AUTH_SERVER_URL"),
                    "bearer tokens need the issuer, which has no prod default"));
        }
        if (prod.containsKey("quarkus.oidc-client.client-id") && !prod.containsKey("quarkus.oidc-client.auth-server-url")) {
            required.add(new Required("quarkus.oidc-client.auth-server-url", Set.of("QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL"),
                    "the service logs in as a client and its issuer has no prod default"));
        }
        if (prod.containsKey("quarkus.oidc-client.client-id") && !prod.containsKey("quarkus.oidc-client.credentials.secret")) {
            required.add(new Required("quarkus.oidc-client.credentials.secret",
                    Set.of("QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET"), "the service logs in as a client and has no secret"));
        }
        return required;
    }

    public static List<String> check(Rendered rendered, Inventory inventory, Path repoRoot) {
        List<String> problems = new ArrayList<>();
        for (Rendered.Container container : rendered.p2pfsContainers()) {
            Set<String> env = inventory.env(container.node()).keySet();
            Path properties = repoRoot.resolve(container.module()).resolve("src/main/resources/application.properties");
            for (Required need : required(prodSettings(properties))) {
                if (need.variables().stream().noneMatch(env::contains)) {
                    problems.add(container.id() + ": sets none of " + need.variables() + " for " + need.property() + " ("
                            + need.why() + ")");
                }
            }
        }
        return problems;
    }

    /** The module of one of p2pfs's images, whatever registry and tag the images: entry gave it. */
    public static String module(String image) {
        String name = image.replaceAll("[:@].*$", "");
        String last = name.substring(name.lastIndexOf('/') + 1);
        boolean ours = name.startsWith("p2pfs/") || name.contains("/p2pfs/");
        return ours ? MODULES.get(last) : null;
    }
}

package io.p2pfs.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks that a service declares who may call each of its REST endpoints: every resource
 * method of a class with {@code @Path} (not an interface, which is a client) carries a security
 * annotation itself or through its class, and the service denies any that would not.
 */
public final class EndpointSecurity {

    private static final Set<String> SECURITY = Set.of("jakarta.annotation.security.RolesAllowed",
            "jakarta.annotation.security.PermitAll", "jakarta.annotation.security.DenyAll",
            "io.quarkus.security.Authenticated");
    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH",
            "OPTIONS").stream().map(m -> "jakarta.ws.rs." + m).collect(java.util.stream.Collectors.toSet());

    private EndpointSecurity() {
    }

    /** The endpoints found below {@code basePackage}, and those among them without a declaration. */
    public record Scan(List<String> endpoints, List<String> undeclared) {
    }

    public static Scan scan(String basePackage) {
        List<String> endpoints = new ArrayList<>();
        List<String> undeclared = new ArrayList<>();
        for (Class<?> type : classes(basePackage)) {
            if (type.isInterface() || !has(type.getAnnotations(), Set.of("jakarta.ws.rs.Path"))) {
                continue;
            }
            boolean classDeclares = has(type.getAnnotations(), SECURITY);
            for (Method method : type.getDeclaredMethods()) {
                if (!has(method.getAnnotations(), HTTP_METHODS)) {
                    continue;
                }
                String name = type.getName() + "#" + method.getName();
                endpoints.add(name);
                if (!classDeclares && !has(method.getAnnotations(), SECURITY)) {
                    undeclared.add(name);
                }
            }
        }
        return new Scan(endpoints, undeclared);
    }

    /**
     * Fails unless endpoints were found below {@code basePackage}, each declares who may call it,
     * and the service denies any that would not.
     */
    public static void requireEveryEndpointDeclared(String basePackage) {
        Scan scan = scan(basePackage);
        if (scan.endpoints().isEmpty()) {
            throw new AssertionError("no endpoints found below " + basePackage + " to check");
        }
        if (!scan.undeclared().isEmpty()) {
            throw new AssertionError("endpoints without a security annotation: " + scan.undeclared());
        }
        if (!deniesUnannotated()) {
            throw new AssertionError("application.properties must set quarkus.security.jaxrs.deny-unannotated-endpoints=true");
        }
    }

    /** Whether the service's own {@code application.properties} denies endpoints without a declaration. */
    public static boolean deniesUnannotated() {
        try (InputStream in = EndpointSecurity.class.getClassLoader().getResourceAsStream("application.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return "true".equals(properties.getProperty("quarkus.security.jaxrs.deny-unannotated-endpoints"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean has(Annotation[] annotations, Set<String> names) {
        for (Annotation annotation : annotations) {
            if (names.contains(annotation.annotationType().getName())) {
                return true;
            }
        }
        return false;
    }

    private static List<Class<?>> classes(String basePackage) {
        List<Class<?>> found = new ArrayList<>();
        ClassLoader loader = EndpointSecurity.class.getClassLoader();
        try {
            var roots = loader.getResources(basePackage.replace('.', '/'));
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if (!"file".equals(root.getProtocol())) {
                    continue;
                }
                Path dir = Path.of(root.toURI());
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                        String relative = dir.relativize(file).toString().replace(java.io.File.separatorChar, '.');
                        String name = basePackage + "." + relative.substring(0, relative.length() - ".class".length());
                        try {
                            found.add(Class.forName(name, false, loader));
                        } catch (ClassNotFoundException | LinkageError e) {
                            // A class that cannot load is no endpoint this check can see; the service's tests would fail on it.
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }
}

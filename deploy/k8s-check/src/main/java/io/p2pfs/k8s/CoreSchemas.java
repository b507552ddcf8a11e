package io.p2pfs.k8s;

import com.google.gson.JsonParser;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;

/**
 * Core Kubernetes kinds, checked strictly against the API's own models
 * ({@code io.kubernetes:client-java-api}): a field the API does not define, a missing required
 * field or a value of the wrong shape is a problem, as the API server would refuse or drop it.
 */
public final class CoreSchemas {

    private static final String MODELS = "io.kubernetes.client.openapi.models.";

    private CoreSchemas() {
    }

    /** The model class for an apiVersion and kind (V1Deployment for apps/v1 Deployment), if any. */
    public static Optional<Class<?>> model(String apiVersion, String kind) {
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        String prefix = Character.toUpperCase(version.charAt(0)) + version.substring(1);
        try {
            return Optional.of(Class.forName(MODELS + prefix + kind));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }

    /** True when the object is of a group the Kubernetes API itself serves (core, apps, *.k8s.io). */
    public static boolean isCore(Manifest manifest) {
        String group = manifest.group();
        return group.isEmpty() || !group.contains(".") || group.endsWith(".k8s.io");
    }

    public static List<String> validate(Manifest manifest) {
        Optional<Class<?>> model = model(manifest.apiVersion(), manifest.kind());
        if (model.isEmpty()) {
            return List.of(manifest.id() + ": " + manifest.apiVersion() + " " + manifest.kind()
                    + " is not a kind the Kubernetes API serves");
        }
        return validate(manifest.id(), model.get(), manifest.body().toString());
    }

    /** Validates JSON against one model class (also used for the metadata of custom resources). */
    public static List<String> validate(String id, Class<?> model, String json) {
        try {
            Method validate = model.getMethod("validateJsonElement", com.google.gson.JsonElement.class);
            validate.invoke(null, JsonParser.parseString(json));
            return List.of();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ClassCastException || cause instanceof IllegalStateException) {
                return List.of(id + ": a value has the wrong JSON type (" + cause.getMessage() + ")");
            }
            return List.of(id + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot validate with " + model.getName(), e);
        }
    }
}

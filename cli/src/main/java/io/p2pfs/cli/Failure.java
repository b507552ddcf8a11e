package io.p2pfs.cli;

import io.p2pfs.client.P2pfsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What went wrong, as the command reports it: the exit status of its class ({@link ExitCodes}),
 * a title and a detail, and for a service's refusal its problem+json members.
 */
public record Failure(int exitCode, String title, String detail, Map<String, Object> problem) {

    public static Failure of(Throwable thrown) {
        Throwable cause = thrown instanceof UncheckedIOException unchecked ? unchecked.getCause() : thrown;
        if (cause instanceof P2pfsException service) {
            Map<String, Object> problem = new LinkedHashMap<>(service.problem());
            problem.putIfAbsent("status", service.status());
            return new Failure(ExitCodes.ofStatus(service.status()), service.title(), service.detail(), problem);
        }
        if (cause instanceof CliFailure cli) {
            return local(cli.exitCode(), cli.title(), cli.getMessage());
        }
        if (cause instanceof NoSuchFileException missing) {
            return local(ExitCodes.NOT_FOUND, "No such local file", missing.getFile());
        }
        if (cause instanceof AccessDeniedException denied) {
            return local(ExitCodes.OTHER, "Local permission denied", denied.getFile());
        }
        if (cause instanceof FileAlreadyExistsException exists) {
            return local(ExitCodes.OTHER, "Local file in the way",
                    exists.getFile() + " exists and is not what this needs (a folder, or absent)");
        }
        if (cause instanceof IOException io) {
            return local(ExitCodes.OTHER, "I/O error", io.getMessage());
        }
        return local(ExitCodes.OTHER, "Failed",
                cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    private static Failure local(int exitCode, String title, String detail) {
        return new Failure(exitCode, title, detail, Map.of());
    }

    /** The line people read: {@code <title>: <detail>}. */
    public String describe() {
        return title + ": " + detail;
    }

    /** The problem members with title, detail and the exit status, for {@code --json}. */
    public Map<String, Object> asJson() {
        Map<String, Object> json = new LinkedHashMap<>(problem);
        json.putIfAbsent("title", title);
        json.putIfAbsent("detail", detail);
        json.put("exitCode", exitCode);
        return json;
    }
}

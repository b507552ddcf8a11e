package io.p2pfs.tracker.users;

/**
 * Body of {@code PUT /api/v1/users/{userId}} (admins only): the login to register under that
 * id, by its identity provider subject ({@code sub}) and login name.
 */
public record AssignUserRequest(String subject, String login) {
}

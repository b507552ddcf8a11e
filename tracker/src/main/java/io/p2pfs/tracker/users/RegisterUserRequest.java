package io.p2pfs.tracker.users;

/** Body of {@code POST /api/v1/users}; {@code userId} is optional (defaults to the login name). */
public record RegisterUserRequest(String userId) {
}

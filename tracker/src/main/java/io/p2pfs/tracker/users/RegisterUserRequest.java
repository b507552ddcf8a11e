package io.p2pfs.tracker.users;

/** Body of {@code POST /api/v1/users}, optional; a {@code userId} must be the login name. */
public record RegisterUserRequest(String userId) {
}

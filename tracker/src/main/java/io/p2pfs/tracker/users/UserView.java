package io.p2pfs.tracker.users;

import java.time.Instant;

/** A registered user as the API shows it. */
public record UserView(String userId, String login, Instant registeredAt) {

    static UserView of(User user) {
        return new UserView(user.userId, user.login, user.registeredAt);
    }
}

package io.p2pfs.tracker.users;

import io.p2pfs.common.problem.BadRequest;
import java.util.Locale;
import java.util.regex.Pattern;

/** The rules for user ids: 3–32 characters, lower-case letter first, then letters, digits, '_' or '-'. */
public final class UserIds {

    public static final Pattern PATTERN = Pattern.compile("^[a-z][a-z0-9_-]{2,31}$");

    private UserIds() {
    }

    /**
     * The id to register: the requested one, or else the login name. A requested id must match
     * exactly; a login name is lower-cased first.
     */
    public static String choose(String requested, String login) {
        if (requested != null) {
            if (!PATTERN.matcher(requested).matches()) {
                throw new BadRequest("userId must match " + PATTERN.pattern() + ".");
            }
            return requested;
        }
        String fromLogin = login == null ? "" : login.toLowerCase(Locale.ROOT);
        if (!PATTERN.matcher(fromLogin).matches()) {
            throw new BadRequest("Your login name is not a valid user id; choose a userId matching "
                    + PATTERN.pattern() + ".");
        }
        return fromLogin;
    }
}

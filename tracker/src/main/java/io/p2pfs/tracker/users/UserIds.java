package io.p2pfs.tracker.users;

import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Forbidden;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for user ids: 3–32 characters, lower-case letter first, then letters, digits, '_'
 * or '-'. A login's id is its login name, lower-cased; only an admin assigns another, so nobody
 * can take an id equal to someone else's login.
 */
public final class UserIds {

    public static final Pattern PATTERN = Pattern.compile("^[a-z][a-z0-9_-]{2,31}$");

    private UserIds() {
    }

    /**
     * The id a login registers itself under: its login name, lower-cased. A requested id is
     * accepted only when it is that name (400 if it is no valid id at all, 403 otherwise).
     */
    public static String forLogin(String requested, String login) {
        String own = login == null ? "" : login.toLowerCase(Locale.ROOT);
        if (requested != null) {
            valid(requested);
            if (!requested.equals(own)) {
                throw new Forbidden("Your user id is your login name ('" + own + "'); only an admin may assign "
                        + "another one.");
            }
            return requested;
        }
        if (!PATTERN.matcher(own).matches()) {
            throw new BadRequest("Your login name is not a valid user id (" + PATTERN.pattern()
                    + "); ask an admin to assign you one.");
        }
        return own;
    }

    /** {@code id} if it follows the rules; 400 otherwise. */
    public static String valid(String id) {
        if (id == null || !PATTERN.matcher(id).matches()) {
            throw new BadRequest("userId must match " + PATTERN.pattern() + ".");
        }
        return id;
    }

    /** Whether {@code text} is a non-blank subject or login: at most 255 characters, none a control character. */
    public static boolean printable(String text) {
        return text != null && !text.isBlank() && text.length() <= 255
                && text.codePoints().noneMatch(Character::isISOControl);
    }
}

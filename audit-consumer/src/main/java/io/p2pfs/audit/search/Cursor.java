package io.p2pfs.audit.search;

import io.p2pfs.common.problem.BadRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque paging cursor: the seq of the last row a page showed. The next page holds rows
 * with a smaller seq, so rows stored meanwhile (always a larger seq) never shift a page:
 * paging yields every matching row once, with no duplicates and no gaps.
 */
public final class Cursor {

    private static final String PREFIX = "seq:";

    private Cursor() {
    }

    public static String encode(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + seq).getBytes(StandardCharsets.US_ASCII));
    }

    public static long decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.US_ASCII);
            if (text.startsWith(PREFIX)) {
                long seq = Long.parseLong(text.substring(PREFIX.length()));
                if (seq > 0) {
                    return seq;
                }
            }
        } catch (IllegalArgumentException e) {
            // answered below (NumberFormatException is an IllegalArgumentException)
        }
        throw new BadRequest("cursor is not one this service issued.");
    }
}

package io.p2pfs.common.problem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the denials of callers without an identity into counts, so that a flood of anonymous
 * requests cannot turn each into an audit record. Within one window the first denial of a
 * (client, URL, status, reason) is recorded at once and the rest are counted; {@link #drain}
 * answers one record per key that counted more, carrying how many. At most {@code maxKeys} keys
 * are tracked per window; denials beyond them are counted under one key per status, without
 * client, URL or reason, so memory and the records per window (at most twice the keys, plus
 * the overflow's) stay bounded whatever the callers send.
 * Not thread-safe on its own: the caller synchronises.
 */
public final class AnonymousDenials {

    /** Status, reason, client and URL of a denial; client and URL are null in the overflow key. */
    private record Key(int status, String reason, String client, String url) {
    }

    private static final class Tally {
        final DenialRecorder.Denial first;
        int suppressed;

        Tally(DenialRecorder.Denial first) {
            this.first = first;
        }
    }

    private final int maxKeys;
    private final Map<Key, Tally> window = new LinkedHashMap<>();

    public AnonymousDenials(int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be positive");
        }
        this.maxKeys = maxKeys;
    }

    /** The denial to record now, or null when it was counted into the window. */
    public DenialRecorder.Denial offer(DenialRecorder.Denial denial) {
        if (denial.actor() != null) {
            return denial;
        }
        Key key = new Key(denial.status(), denial.reason(), denial.clientAddress(), denial.url());
        Tally tally = window.get(key);
        if (tally == null && window.size() >= maxKeys) {
            key = new Key(denial.status(), null, null, null);
            tally = window.get(key);
            if (tally == null) {
                // The overflow key's first record is itself a summary: counted, never sent at once.
                tally = new Tally(new DenialRecorder.Denial(denial.status(), "many anonymous callers", null,
                        denial.method(), denial.url(), null, null, null, 1));
                window.put(key, tally);
            }
            tally.suppressed++;
            return null;
        }
        if (tally == null) {
            window.put(key, new Tally(denial));
            return denial;
        }
        tally.suppressed++;
        return null;
    }

    /** One summary per key that counted denials since the last drain; starts a new window. */
    public List<DenialRecorder.Denial> drain() {
        List<DenialRecorder.Denial> summaries = new ArrayList<>();
        for (Tally tally : window.values()) {
            if (tally.suppressed > 0) {
                summaries.add(tally.first.counted(tally.suppressed));
            }
        }
        window.clear();
        return summaries;
    }
}

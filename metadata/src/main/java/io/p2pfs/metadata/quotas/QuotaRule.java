package io.p2pfs.metadata.quotas;

/**
 * Whether a change may take a user's usage where it goes. A limit of {@code 0} is no limit. A
 * change that does not raise the usage is always admitted (an overwrite whose retention lets
 * as much go as it adds, a user above a limit lowered meanwhile who replaces a file by a
 * smaller one); one that raises it must end at or below the limit.
 */
public final class QuotaRule {

    private QuotaRule() {
    }

    /** The limit in effect: the administrator's override if there is one, else the default. */
    public static long effectiveLimit(Long override, long defaultBytes) {
        return override != null ? override : defaultBytes;
    }

    /**
     * @param usedBefore what the user was charged before the change
     * @param added      bytes the change adds (a new version's size)
     * @param released   bytes the same change lets go (versions retention pruned with it)
     * @param limit      the limit in effect, {@code 0} for none
     */
    public static boolean admits(long usedBefore, long added, long released, long limit) {
        long net = added - released;
        if (limit == 0 || net <= 0) {
            return true;
        }
        // limit - usedBefore cannot overflow (both >= 0); usedBefore + net could.
        return net <= limit - usedBefore;
    }

    /** What may still be committed; {@code null} without a limit. */
    public static Long available(long used, long limit) {
        return limit == 0 ? null : Math.max(0, limit - used);
    }
}

package io.p2pfs.metadata.files;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Namespace settings ({@code p2pfs.files.*}, env {@code P2PFS_FILES_*}). */
@ConfigMapping(prefix = "p2pfs.files")
public interface FilesConfig {

    /** Entries one recursive delete may take with it (one transaction, one event each). */
    @WithDefault("10000")
    int recursiveDeleteLimit();
}

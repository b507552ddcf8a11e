package io.p2pfs.metadata.acl;

/** What a principal may do with an entry. */
public enum Permission {
    /** stat, list, versions, see the ACL and policy. */
    READ,
    /** read the content. */
    DOWNLOAD,
    /** create, overwrite, mkdir inside, restore, lock. */
    WRITE,
    DELETE,
    /** change the ACL and the policy. */
    SHARE
}

package io.p2pfs.metadata.policies;

/**
 * Response of {@code GET|PUT /api/v1/policies/{path}}: the settings the path's directory sets
 * itself ({@code own}; {@code null} for a file) and the policy that applies there after
 * inheritance ({@code effective}).
 */
public record PolicyApi(String path, PolicySettings own, PolicySettings effective) {
}

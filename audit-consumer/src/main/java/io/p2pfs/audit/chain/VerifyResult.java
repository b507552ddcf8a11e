package io.p2pfs.audit.chain;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer of a verification: {@code ok} when every row in the range checked out;
 * otherwise {@code firstBrokenSeq} is the first row that is missing (a gap: {@code problem} =
 * {@code missing}) or altered ({@code hash}, {@code link}, or {@code column:<name>}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifyResult(boolean ok, long checked, Long firstBrokenSeq, String problem) {
}

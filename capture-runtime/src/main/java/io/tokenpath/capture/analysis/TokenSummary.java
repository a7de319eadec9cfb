package io.tokenpath.capture.analysis;

import io.tokenpath.capture.format.TokenRecord;

/**
 * One token position of an analysis: the token generated there ({@code null} when the stream has no
 * {@code __token} frame for it, e.g. a step that was captured but whose token was dropped), and the tensor frames
 * attributed to it: how many, the bytes they take in the file, and the bytes of their source tensors.
 */
public record TokenSummary(TokenKey key, TokenRecord token, long tensorFrames, long fileBytes, long sourceBytes) {

    /** The token's text, or null when the stream holds no token frame for this position. */
    public String text() {
        return token == null ? null : token.text();
    }
}

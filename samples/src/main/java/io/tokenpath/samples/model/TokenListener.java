package io.tokenpath.samples.model;

/**
 * Receives generated tokens in order. Called on the generating thread; a {@link RuntimeException} thrown here
 * (for example {@link GenerationCancelledException} when the client went away) stops the generation.
 */
@FunctionalInterface
public interface TokenListener {

    TokenListener NONE = (tokenId, index) -> {};

    /**
     * @param tokenId the token (0..255)
     * @param index 0 for the first generated token
     */
    void onToken(long tokenId, int index);
}

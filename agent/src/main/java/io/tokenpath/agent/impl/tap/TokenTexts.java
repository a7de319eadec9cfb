package io.tokenpath.agent.impl.tap;

import io.tokenpath.capture.text.TokenizerVocabulary;
import io.tokenpath.capture.text.Utf8Assembler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text of each captured token, from the model's tokenizer.json ({@code capture.tokenizer}): the agent sees
 * token ids only. Per request, a token's text is the characters it completes, so a request's token texts
 * concatenate to its output text even where a token ends inside a UTF-8 character. Requests are remembered in a
 * bounded map (most recently used kept): a request pushed out loses at most the bytes of one unfinished character.
 */
final class TokenTexts {
    private static final int REQUESTS_KEPT = 4096;

    private final TokenizerVocabulary vocabulary;
    private final Map<Long, Utf8Assembler> byRequest = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Utf8Assembler> eldest) {
            return size() > REQUESTS_KEPT;
        }
    };

    TokenTexts(TokenizerVocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    /** The text token {@code tokenId} adds to request {@code requestId}: empty for an id not known (-1: not seen). */
    String text(long requestId, long tokenId) {
        byte[] bytes = tokenId < 0 || tokenId > Integer.MAX_VALUE ? null : vocabulary.bytes((int) tokenId);
        if (bytes == null) return "";
        synchronized (byRequest) {
            return byRequest.computeIfAbsent(requestId, id -> new Utf8Assembler()).next(bytes);
        }
    }

    String describe() {
        return vocabulary.decoder() + ", " + vocabulary.size() + " ids";
    }
}

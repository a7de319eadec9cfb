package io.tokenpath.samples.server;

import io.tokenpath.samples.model.SearchMode;

/**
 * A validated completion request, whichever endpoint it came from.
 *
 * @param chat true for {@code /v1/chat/completions} (changes only the response shapes)
 * @param model model name, known to the server
 * @param prompt the text the model reads: the prompt, or the chat messages rendered by {@link ChatTemplate}
 * @param promptTokens byte-token count of {@code prompt}
 * @param maxTokens number of tokens to generate (there is no EOS in the byte vocabulary: always exactly this many)
 * @param search how tokens are chosen, and which code path runs
 * @param stream answer as Server-Sent Events
 * @param includeUsage with {@code stream}: send a final chunk with {@code usage}
 */
public record CompletionRequest(
        boolean chat,
        String model,
        String prompt,
        int promptTokens,
        int maxTokens,
        SearchMode search,
        boolean stream,
        boolean includeUsage) {}

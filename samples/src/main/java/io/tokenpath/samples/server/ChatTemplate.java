package io.tokenpath.samples.server;

import java.util.List;

/**
 * Renders chat messages into the single text the byte-level model reads. The format is this server's own (the
 * model is untrained, so no template is "right"); it is fixed so that {@code usage.prompt_tokens} is reproducible:
 * each message is {@code <|role|>\n content \n}, then {@code <|assistant|>\n} opens the reply.
 */
public final class ChatTemplate {

    /** One chat message. */
    public record Message(String role, String content) {}

    private ChatTemplate() {}

    public static String render(List<Message> messages) {
        StringBuilder out = new StringBuilder();
        for (Message m : messages) {
            out.append("<|").append(m.role()).append("|>\n").append(m.content()).append('\n');
        }
        return out.append("<|assistant|>\n").toString();
    }
}

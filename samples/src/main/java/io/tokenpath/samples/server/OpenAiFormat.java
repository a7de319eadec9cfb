package io.tokenpath.samples.server;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * The response bodies of the OpenAI completions and chat completions APIs: whole responses, stream chunks, the
 * usage chunk and errors. {@code finish_reason} is always {@code "length"}: the byte vocabulary has no EOS token.
 */
public final class OpenAiFormat {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final String id;
    private final boolean chat;
    private final String model;
    private final long created;

    public OpenAiFormat(String id, boolean chat, String model, long createdEpochSeconds) {
        this.id = id;
        this.chat = chat;
        this.model = model;
        this.created = createdEpochSeconds;
    }

    public static String toJson(JsonElement e) {
        return GSON.toJson(e);
    }

    public JsonObject completion(String text, int promptTokens, int completionTokens) {
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        if (chat) {
            JsonObject message = new JsonObject();
            message.addProperty("role", "assistant");
            message.addProperty("content", text);
            choice.add("message", message);
        } else {
            choice.addProperty("text", text);
            choice.add("logprobs", JsonNull.INSTANCE);
        }
        choice.addProperty("finish_reason", "length");
        JsonObject body = envelope(chat ? "chat.completion" : "text_completion", choice);
        body.add("usage", usage(promptTokens, completionTokens));
        return body;
    }

    /**
     * One token's chunk. The chat role rides on the first token's delta rather than on an extra empty chunk, so a
     * stream of N tokens is exactly N content chunks.
     */
    public JsonObject tokenChunk(String text, int index, boolean last) {
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        if (chat) {
            JsonObject delta = new JsonObject();
            if (index == 0) {
                delta.addProperty("role", "assistant");
            }
            delta.addProperty("content", text);
            choice.add("delta", delta);
        } else {
            choice.addProperty("text", text);
            choice.add("logprobs", JsonNull.INSTANCE);
        }
        choice.add("finish_reason", last ? new JsonPrimitive("length") : JsonNull.INSTANCE);
        return envelope(chat ? "chat.completion.chunk" : "text_completion", choice);
    }

    /** The {@code stream_options.include_usage} chunk: no choices, only usage. */
    public JsonObject usageChunk(int promptTokens, int completionTokens) {
        JsonObject body = envelope(chat ? "chat.completion.chunk" : "text_completion", null);
        body.add("usage", usage(promptTokens, completionTokens));
        return body;
    }

    public static JsonObject error(ApiException e) {
        return error(e.getMessage(), e.type(), e.param(), e.code());
    }

    public static JsonObject error(String message, String type, String param, String code) {
        JsonObject error = new JsonObject();
        error.addProperty("message", message);
        error.addProperty("type", type);
        error.addProperty("param", param);
        error.addProperty("code", code);
        JsonObject body = new JsonObject();
        body.add("error", error);
        return body;
    }

    private JsonObject envelope(String object, JsonObject choice) {
        JsonObject body = new JsonObject();
        body.addProperty("id", id);
        body.addProperty("object", object);
        body.addProperty("created", created);
        body.addProperty("model", model);
        JsonArray choices = new JsonArray();
        if (choice != null) {
            choices.add(choice);
        }
        body.add("choices", choices);
        return body;
    }

    private static JsonObject usage(int promptTokens, int completionTokens) {
        JsonObject usage = new JsonObject();
        usage.addProperty("prompt_tokens", promptTokens);
        usage.addProperty("completion_tokens", completionTokens);
        usage.addProperty("total_tokens", promptTokens + completionTokens);
        return usage;
    }
}

package io.tokenpath.samples.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import io.tokenpath.samples.model.ByteTokenizer;
import io.tokenpath.samples.model.GenerationLimits;
import io.tokenpath.samples.model.ModelConfig;
import io.tokenpath.samples.model.SearchMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates the OpenAI-style request bodies into {@link CompletionRequest}s. Everything a client can
 * get wrong is reported here, with the offending field, before the request takes a queue slot.
 *
 * <p>Accepted: {@code model}, {@code prompt} (a string, or an array holding one string) or {@code messages},
 * {@code max_tokens} ({@code max_completion_tokens} for chat; default 16), {@code stream},
 * {@code stream_options.include_usage}, {@code n} (1 only), {@code temperature} (accepted, ignored: generation is
 * deterministic), and the extension {@code search}: {@code greedy|beam|contrastive|loop} (default greedy; the server's continuous batching
 * defaults to contrastive). Other
 * fields are ignored, as OpenAI-compatible servers commonly do.
 */
public final class RequestParser {

    static final int DEFAULT_MAX_TOKENS = 16;

    private final Map<String, ModelConfig> models;
    private final SearchMode defaultSearch;

    public RequestParser(Map<String, ModelConfig> models) {
        this(models, SearchMode.GREEDY);
    }

    /** @param defaultSearch the search of a request that names none */
    public RequestParser(Map<String, ModelConfig> models, SearchMode defaultSearch) {
        this.models = models;
        this.defaultSearch = defaultSearch;
    }

    public CompletionRequest parse(String body, boolean chat) throws ApiException {
        JsonObject json = parseObject(body);
        String model = requiredString(json, "model");
        ModelConfig config = models.get(model);
        if (config == null) {
            throw ApiException.modelNotFound(model);
        }
        String prompt = chat ? ChatTemplate.render(messages(json)) : prompt(json);
        int promptTokens = ByteTokenizer.encode(prompt).length;
        int maxTokens = maxTokens(json, chat);
        SearchMode search = search(json);
        boolean stream = optionalBoolean(json, "stream", false);
        boolean includeUsage = includeUsage(json, stream);
        checkN(json);
        checkTemperature(json);
        try {
            GenerationLimits.check(config, promptTokens, maxTokens);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), promptTokens < 1 ? (chat ? "messages" : "prompt") : "max_tokens");
        }
        return new CompletionRequest(chat, model, prompt, promptTokens, maxTokens, search, stream, includeUsage);
    }

    private static JsonObject parseObject(String body) throws ApiException {
        JsonElement root;
        try {
            root = JsonParser.parseString(body);
        } catch (JsonParseException e) {
            throw ApiException.badRequest("request body is not valid JSON: " + e.getMessage(), null);
        }
        if (!root.isJsonObject()) {
            throw ApiException.badRequest("request body must be a JSON object", null);
        }
        return root.getAsJsonObject();
    }

    private static String prompt(JsonObject json) throws ApiException {
        JsonElement p = json.get("prompt");
        if (p == null || p.isJsonNull()) {
            throw ApiException.badRequest("'prompt' is required", "prompt");
        }
        if (isString(p)) {
            return p.getAsString();
        }
        if (p.isJsonArray() && p.getAsJsonArray().size() == 1 && isString(p.getAsJsonArray().get(0))) {
            return p.getAsJsonArray().get(0).getAsString();
        }
        throw ApiException.badRequest(
                "'prompt' must be a string or an array of one string (token-id prompts are not supported)", "prompt");
    }

    private static List<ChatTemplate.Message> messages(JsonObject json) throws ApiException {
        JsonElement m = json.get("messages");
        if (m == null || !m.isJsonArray() || m.getAsJsonArray().isEmpty()) {
            throw ApiException.badRequest("'messages' must be a non-empty array", "messages");
        }
        List<ChatTemplate.Message> out = new ArrayList<>();
        JsonArray array = m.getAsJsonArray();
        for (int i = 0; i < array.size(); i++) {
            if (!array.get(i).isJsonObject()) {
                throw ApiException.badRequest("messages[" + i + "] must be an object", "messages");
            }
            JsonObject message = array.get(i).getAsJsonObject();
            JsonElement role = message.get("role");
            if (!isString(role)) {
                throw ApiException.badRequest("messages[" + i + "].role must be a string", "messages");
            }
            out.add(new ChatTemplate.Message(role.getAsString(), content(message.get("content"), i)));
        }
        return out;
    }

    /** A string, or the array-of-parts form where only {@code {"type":"text","text":...}} parts are supported. */
    private static String content(JsonElement content, int index) throws ApiException {
        if (isString(content)) {
            return content.getAsString();
        }
        if (content != null && content.isJsonArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonElement part : content.getAsJsonArray()) {
                JsonObject p = part.isJsonObject() ? part.getAsJsonObject() : null;
                if (p == null || !isString(p.get("type")) || !"text".equals(p.get("type").getAsString())
                        || !isString(p.get("text"))) {
                    throw ApiException.badRequest(
                            "messages[" + index + "].content: only text parts are supported", "messages");
                }
                text.append(p.get("text").getAsString());
            }
            return text.toString();
        }
        throw ApiException.badRequest("messages[" + index + "].content must be a string or text parts", "messages");
    }

    private static int maxTokens(JsonObject json, boolean chat) throws ApiException {
        String field = chat && json.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        JsonElement value = json.get(field);
        if (value == null || value.isJsonNull()) {
            return DEFAULT_MAX_TOKENS;
        }
        if (!isNumber(value)) {
            throw ApiException.badRequest("'" + field + "' must be an integer", field);
        }
        double d = value.getAsDouble();
        if (d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
            throw ApiException.badRequest("'" + field + "' must be a positive integer, got " + value, field);
        }
        return (int) d;
    }

    private SearchMode search(JsonObject json) throws ApiException {
        JsonElement value = json.get("search");
        if (value == null || value.isJsonNull()) {
            return defaultSearch;
        }
        if (!isString(value)) {
            throw ApiException.badRequest("'search' must be a string", "search");
        }
        try {
            return SearchMode.parse(value.getAsString());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), "search");
        }
    }

    private static boolean includeUsage(JsonObject json, boolean stream) throws ApiException {
        JsonElement options = json.get("stream_options");
        if (options == null || options.isJsonNull()) {
            return false;
        }
        if (!options.isJsonObject()) {
            throw ApiException.badRequest("'stream_options' must be an object", "stream_options");
        }
        if (!stream) {
            throw ApiException.badRequest("'stream_options' is only allowed when 'stream' is true", "stream_options");
        }
        return optionalBoolean(options.getAsJsonObject(), "include_usage", false);
    }

    private static void checkN(JsonObject json) throws ApiException {
        JsonElement n = json.get("n");
        if (n != null && !n.isJsonNull() && !(isNumber(n) && n.getAsDouble() == 1)) {
            throw ApiException.badRequest("only n = 1 is supported", "n");
        }
    }

    private static void checkTemperature(JsonObject json) throws ApiException {
        JsonElement t = json.get("temperature");
        if (t != null && !t.isJsonNull() && !(isNumber(t) && t.getAsDouble() >= 0)) {
            throw ApiException.badRequest("'temperature' must be a number >= 0", "temperature");
        }
    }

    private static String requiredString(JsonObject json, String field) throws ApiException {
        JsonElement value = json.get(field);
        if (!isString(value)) {
            throw ApiException.badRequest("'" + field + "' is required and must be a string", field);
        }
        return value.getAsString();
    }

    private static boolean optionalBoolean(JsonObject json, String field, boolean fallback) throws ApiException {
        JsonElement value = json.get(field);
        if (value == null || value.isJsonNull()) {
            return fallback;
        }
        if (!(value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean())) {
            throw ApiException.badRequest("'" + field + "' must be true or false", field);
        }
        return value.getAsBoolean();
    }

    private static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private static boolean isNumber(JsonElement e) {
        return e != null && e.isJsonPrimitive() && ((JsonPrimitive) e).isNumber();
    }
}

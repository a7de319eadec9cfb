package io.tokenpath.samples.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

/** The byte tokenizer as a tokenizer.json: every byte once, written as GPT-2's byte-level vocabulary writes it. */
class TokenizerJsonTest {

    @Test
    void everyByteIsOneTokenWithGpt2sCharacter() {
        JsonObject root = JsonParser.parseString(TokenizerJson.json()).getAsJsonObject();
        assertEquals("ByteLevel", root.getAsJsonObject("decoder").get("type").getAsString());
        JsonObject vocab = root.getAsJsonObject("model").getAsJsonObject("vocab");
        assertEquals(256, vocab.size());
        Set<Integer> ids = new HashSet<>();
        vocab.entrySet().forEach(e -> ids.add(e.getValue().getAsInt()));
        assertEquals(256, ids.size(), "ids 0..255, each once");
        assertEquals('a', vocab.get("a").getAsInt());
        assertEquals('"', vocab.get("\"").getAsInt());
        assertEquals(' ', vocab.get("\u0120").getAsInt(), "GPT-2 writes a space as U+0120 'Ġ'");
        assertEquals('\n', vocab.get("\u010A").getAsInt(), "and a newline as U+010A 'Ċ'");
        assertEquals(0xE9, vocab.get("\u00E9").getAsInt(), "printable Latin-1 bytes stand for themselves");
    }
}

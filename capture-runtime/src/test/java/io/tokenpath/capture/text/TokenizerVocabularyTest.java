package io.tokenpath.capture.text;

import io.tokenpath.capture.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Decoding token ids of real tokenizer families, with entries as their tokenizer.json files write them. */
class TokenizerVocabularyTest {

    @Test
    void byteLevelAsGpt2AndLlama3WriteIt() {
        // GPT-2's vocabulary writes a space as 'Ġ' (U+0120), a newline as 'Ċ' (U+010A), and the two bytes of 'é' as 'Ã©'.
        TokenizerVocabulary v = vocabulary("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"Ġthe\":262,\"Ċ\":198,\"Ã©\":2634,\"!\":0},"
                + "\"merges\":[]},\"decoder\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false},"
                + "\"added_tokens\":[{\"id\":50256,\"content\":\"<|endoftext|>\",\"special\":true}]}");
        assertEquals("ByteLevel", v.decoder());
        assertEquals(" the", text(v, 262));
        assertEquals("\n", text(v, 198));
        assertEquals("é", text(v, 2634));
        assertEquals("!", text(v, 0));
        assertEquals("<|endoftext|>", text(v, 50256));
        assertNull(v.bytes(5000), "an id the file does not name");
        assertEquals(50257, v.size());
    }

    @Test
    void sentencePieceWithByteFallbackAsLlama2WritesIt() {
        TokenizerVocabulary v = vocabulary("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"▁Hello\":15043,\"<0x0A>\":13,"
                + "\"<0xE6>\":233,\"<0x97>\":154,\"<0xA5>\":168,\"ing\":292}},\"decoder\":{\"type\":\"Sequence\",\"decoders\":["
                + "{\"type\":\"Replace\",\"pattern\":{\"String\":\"▁\"},\"content\":\" \"},{\"type\":\"ByteFallback\"},"
                + "{\"type\":\"Fuse\"},{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]}}");
        assertEquals("Metaspace+ByteFallback", v.decoder());
        assertEquals(" Hello", text(v, 15043));
        assertEquals("\n", text(v, 13));
        assertEquals("ing", text(v, 292));
        Utf8Assembler a = new Utf8Assembler();
        assertEquals("", a.next(v.bytes(233)));
        assertEquals("", a.next(v.bytes(154)));
        assertEquals("日", a.next(v.bytes(168)), "three byte tokens make one character");
    }

    @Test
    void metaspaceUnigramAndWordPiece() {
        TokenizerVocabulary unigram = vocabulary("{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"<unk>\",0.0],[\"▁world\",-3.2]]},"
                + "\"decoder\":{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"always\"}}");
        assertEquals(" world", text(unigram, 1));
        TokenizerVocabulary bert = vocabulary("{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"play\":2377,\"##ing\":2075}},"
                + "\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\"}}");
        assertEquals(" play", text(bert, 2377));
        assertEquals("ing", text(bert, 2075));
    }

    @Test
    void whatCannotBeReadIsNamed(@TempDir Path dir) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vocabulary(
                "{\"model\":{\"vocab\":{\"a\":0}},\"decoder\":{\"type\":\"CTC\"}}"));
        assertTrue(e.getMessage().contains("decoder type 'CTC' is not supported"), e.getMessage());
        Path notJson = dir.resolve("tokenizer.json");
        Files.writeString(notJson, "vocab: a");
        e = assertThrows(IllegalArgumentException.class, () -> TokenizerVocabulary.load(notJson));
        assertTrue(e.getMessage().startsWith(notJson + " is not JSON"), e.getMessage());
        Path noModel = dir.resolve("other.json");
        Files.writeString(noModel, "{\"version\":\"1.0\"}");
        e = assertThrows(IllegalArgumentException.class, () -> TokenizerVocabulary.load(noModel));
        assertTrue(e.getMessage().contains("no \"model\" object"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> TokenizerVocabulary.load(dir.resolve("missing.json")));
    }

    private static TokenizerVocabulary vocabulary(String json) {
        return TokenizerVocabulary.parse(Json.parseObject(json));
    }

    private static String text(TokenizerVocabulary v, int id) {
        return new String(v.bytes(id), StandardCharsets.UTF_8);
    }
}

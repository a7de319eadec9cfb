package io.tokenpath.samples.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample's byte tokenizer written as a Hugging Face {@code tokenizer.json}, the file real models ship and the
 * agent's {@code capture.tokenizer} reads to give captured tokens their text. Byte-level, as GPT-2's: token
 * {@code b} is the one character GPT-2's table prints for byte {@code b}, and the {@code ByteLevel} decoder maps it
 * back.
 */
public final class TokenizerJson {
    private TokenizerJson() {}

    public static String json() {
        StringBuilder vocab = new StringBuilder();
        int next = 256;
        for (int b = 0; b < ByteTokenizer.VOCAB_SIZE; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            int c = printable ? b : next++;
            if (b > 0) vocab.append(',');
            vocab.append('"').append(escaped(c)).append("\":").append(b);
        }
        return "{\"version\":\"1.0\",\"added_tokens\":[],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"ByteLevel\","
                + "\"add_prefix_space\":false},\"model\":{\"type\":\"BPE\",\"vocab\":{" + vocab + "},\"merges\":[]},"
                + "\"decoder\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false}}\n";
    }

    public static void write(Path file) throws IOException {
        Files.writeString(file, json(), StandardCharsets.UTF_8);
    }

    private static String escaped(int c) {
        if (c == '"' || c == '\\') return "\\" + (char) c;
        return String.valueOf((char) c);
    }

    /** {@code java -jar tokenpath-samples.jar tokenizer FILE}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -jar tokenpath-samples.jar tokenizer FILE   (writes the sample models' tokenizer.json)");
            System.exit(2);
        }
        write(Path.of(args[0]));
        System.out.println("wrote " + args[0]);
    }
}

package io.tokenpath.capture.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately independent .npy reader for tests (it shares no code with the writer): checks the magic, the
 * version, the header's dict and the 64-byte alignment numpy expects, and reads '&lt;f4' data.
 */
public record NpyFile(String descr, boolean fortranOrder, long[] shape, float[] data, int dataOffset) {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public static NpyFile read(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || !new String(b, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new AssertionError(p + ": no npy magic");
        }
        if (b[6] != 1 || b[7] != 0) throw new AssertionError(p + ": version " + b[6] + "." + b[7] + ", expected 1.0");
        int headerLen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        int dataOffset = 10 + headerLen;
        if (dataOffset % 64 != 0) throw new AssertionError(p + ": data starts at " + dataOffset + ", not 64-aligned");
        String header = new String(b, 10, headerLen, StandardCharsets.US_ASCII);
        if (!header.endsWith("\n")) throw new AssertionError(p + ": header does not end with a newline");
        String descr = group(DESCR, header, p);
        boolean fortran = group(ORDER, header, p).equals("True");
        String dims = group(SHAPE, header, p).trim();
        long[] shape = dims.isEmpty() ? new long[0]
                : Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        long n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        if (!descr.equals("<f4")) throw new AssertionError(p + ": dtype " + descr);
        if (b.length - dataOffset != n * 4) {
            throw new AssertionError(p + ": " + (b.length - dataOffset) + " data bytes for shape " + Arrays.toString(shape));
        }
        float[] data = new float[(int) n];
        ByteBuffer.wrap(b, dataOffset, (int) n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        return new NpyFile(descr, fortran, shape, data, dataOffset);
    }

    private static String group(Pattern pat, String header, Path p) {
        Matcher m = pat.matcher(header);
        if (!m.find()) throw new AssertionError(p + ": header lacks " + pat + ": " + header);
        return m.group(1);
    }
}

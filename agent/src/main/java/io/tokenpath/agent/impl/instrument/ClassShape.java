package io.tokenpath.agent.impl.instrument;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The methods of a class file with the length of each one's bytecode: what a retransformation's bytes share with
 * the class file the class came from. The JVM rebuilds those bytes from the loaded class, and its constant pool
 * comes out in an order that differs from run to run, but the code of every method is the same length unless an
 * agent changed it (the methods may come in another order). So equal shapes say "this class is as its class file was", and the weave cache can use the
 * class file's bytes, which are stable, instead of the rebuilt ones.
 */
final class ClassShape {
    private ClassShape() {}

    /** {@code name descriptor codeLength} per method, sorted; throws IllegalArgumentException on a bad class file. */
    static List<String> of(byte[] classfile) {
        try {
            ByteBuffer b = ByteBuffer.wrap(classfile);
            if (b.getInt() != 0xCAFEBABE) throw new IllegalArgumentException("not a class file");
            b.getInt(); // minor, major
            int count = b.getShort() & 0xFFFF;
            String[] utf8 = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = b.get();
                switch (tag) {
                    case 1 -> {
                        byte[] s = new byte[b.getShort() & 0xFFFF];
                        b.get(s);
                        utf8[i] = new String(s, java.nio.charset.StandardCharsets.UTF_8);
                    }
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> skip(b, 4);
                    case 5, 6 -> {
                        skip(b, 8);
                        i++; // longs and doubles take two entries
                    }
                    case 7, 8, 16, 19, 20 -> skip(b, 2);
                    case 15 -> skip(b, 3);
                    default -> throw new IllegalArgumentException("constant pool tag " + tag);
                }
            }
            skip(b, 6); // access, this, super
            skip(b, 2 * (b.getShort() & 0xFFFF)); // interfaces
            int fields = b.getShort() & 0xFFFF;
            for (int f = 0; f < fields; f++) {
                skip(b, 6);
                skipAttributes(b);
            }
            int methods = b.getShort() & 0xFFFF;
            List<String> shape = new ArrayList<>(methods);
            for (int m = 0; m < methods; m++) {
                skip(b, 2);
                String name = utf8[b.getShort() & 0xFFFF];
                String desc = utf8[b.getShort() & 0xFFFF];
                int codeLength = -1;
                int attrs = b.getShort() & 0xFFFF;
                for (int a = 0; a < attrs; a++) {
                    String attr = utf8[b.getShort() & 0xFFFF];
                    int len = b.getInt();
                    if ("Code".equals(attr)) codeLength = b.getInt(b.position() + 4);
                    skip(b, len);
                }
                shape.add(name + " " + desc + " " + codeLength);
            }
            java.util.Collections.sort(shape); // the JVM may rebuild the methods in another order
            return shape;
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated class file", e);
        }
    }

    private static void skipAttributes(ByteBuffer b) {
        int attrs = b.getShort() & 0xFFFF;
        for (int a = 0; a < attrs; a++) {
            skip(b, 2);
            skip(b, b.getInt());
        }
    }

    private static void skip(ByteBuffer b, int n) {
        b.position(b.position() + n);
    }
}

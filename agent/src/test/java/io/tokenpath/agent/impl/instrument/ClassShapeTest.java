package io.tokenpath.agent.impl.instrument;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClassShapeTest {
    abstract static class Sample {
        long big = 1L;
        double d = 2.0;

        int add(int a, int b) {
            return a + b;
        }

        abstract void nothing();
    }

    private static byte[] classFile(Class<?> c) throws Exception {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName().replace('.', '$') + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void listsEachMethodWithItsCodeLength() throws Exception {
        byte[] bytes = ClassShapeTest.class.getResourceAsStream("ClassShapeTest$Sample.class").readAllBytes();
        List<String> shape = ClassShape.of(bytes);
        // <init>: aload_0, invokespecial, aload_0, lconst_1, putfield, aload_0, ldc2_w, putfield, return = 17 bytes
        assertEquals(List.of("<init> ()V 17", "add (II)I 4", "nothing ()V -1"), shape);
    }

    @Test
    void aChangedMethodChangesTheShape() throws Exception {
        byte[] jdk = ClassLoader.getSystemResourceAsStream("java/util/concurrent/LinkedBlockingQueue.class").readAllBytes();
        List<String> shape = ClassShape.of(jdk);
        assertTrue(shape.stream().anyMatch(m -> m.startsWith("offer (Ljava/lang/Object;)Z ")), shape.toString());
        assertEquals(shape, ClassShape.of(jdk.clone()));
        assertNotEquals(shape, ClassShape.of(classFile(ClassShapeTest.class)));
    }

    @Test
    void aTruncatedClassFileIsRefused() throws Exception {
        byte[] jdk = ClassLoader.getSystemResourceAsStream("java/util/concurrent/LinkedBlockingQueue.class").readAllBytes();
        assertThrows(IllegalArgumentException.class, () -> ClassShape.of(Arrays.copyOf(jdk, jdk.length / 2)));
        assertThrows(IllegalArgumentException.class, () -> ClassShape.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    }
}

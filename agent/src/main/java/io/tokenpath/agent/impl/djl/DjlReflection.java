package io.tokenpath.agent.impl.djl;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Reads what the hooks need from DJL objects without linking against DJL: DJL belongs to the application's
 * class loader, the agent to its own. Lookups are cached per class (ClassValue), so the per-token cost is one
 * reflective call on an already-resolved Method.
 */
final class DjlReflection {
    private DjlReflection() {}

    private static final ClassValue<Method> GET_SHAPE = methodNamed("getShape");
    private static final ClassValue<Method> SHAPE_ARRAY = methodNamed("getShape");
    private static final ClassValue<Method> GET_NAME = methodNamed("getName");
    private static final ClassValue<Method> GET_MAX_SEQ = methodNamed("getMaxSeqLength");
    private static final ClassValue<Field> PREDICTOR_FIELD = fieldNamed("predictor");
    private static final ClassValue<Field> MODEL_FIELD = fieldNamed("model");
    private static final ClassValue<Field> CONFIG_FIELD = fieldNamed("config");
    private static final ClassValue<Field> BLOCK_FIELD = fieldNamed("block");
    private static final ClassValue<Method> TO_LONG_ARRAY = methodNamed("toLongArray");
    private static final ClassValue<Field> SEQ_BATCHER_FIELD = fieldNamed("seqBatcher");
    private static final ClassValue<Field> BATCH_UID_FIELD = fieldNamed("batchUid");
    private static final ClassValue<Method> GET_PAD = methodNamed("getPadTokenId");

    /** The SeqBatcher a SeqBatchScheduler holds (package-private field {@code seqBatcher}), or null. */
    static Object seqBatcherOf(Object scheduler) throws ReflectiveOperationException {
        Field f = SEQ_BATCHER_FIELD.get(scheduler.getClass());
        return f == null ? null : f.get(scheduler);
    }

    /** The uid of each row of a SeqBatcher, in row order (its {@code batchUid} [batch, 1]), or null. */
    static long[] batchUids(Object seqBatcher) throws ReflectiveOperationException {
        Field f = BATCH_UID_FIELD.get(seqBatcher.getClass());
        return f == null ? null : longs(f.get(seqBatcher));
    }

    /** SearchConfig.getPadTokenId() of a SeqBatchScheduler or TextGenerator, or null if it has none. */
    static Long padTokenId(Object schedulerOrGenerator) throws ReflectiveOperationException {
        Field cf = CONFIG_FIELD.get(schedulerOrGenerator.getClass());
        Object cfg = cf == null ? null : cf.get(schedulerOrGenerator);
        if (cfg == null) return null;
        Method m = GET_PAD.get(cfg.getClass());
        Object v = m == null ? null : m.invoke(cfg);
        return v instanceof Number ? ((Number) v).longValue() : null;
    }

    /** The root Block a Predictor runs, or null. */
    static Object blockOf(Object predictor) throws ReflectiveOperationException {
        if (predictor == null) return null;
        Field f = BLOCK_FIELD.get(predictor.getClass());
        return f == null ? null : f.get(predictor);
    }

    /** An integer NDArray's values (token ids), or null. */
    static long[] longs(Object ndArray) throws ReflectiveOperationException {
        if (ndArray == null) return null;
        Method m = TO_LONG_ARRAY.get(ndArray.getClass());
        Object v = m == null ? null : m.invoke(ndArray);
        return v instanceof long[] ? (long[]) v : null;
    }

    private static ClassValue<Method> methodNamed(String name) {
        return new ClassValue<>() {
            @Override
            protected Method computeValue(Class<?> type) {
                try {
                    Method m = type.getMethod(name);
                    m.setAccessible(true);
                    return m;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        };
    }

    private static ClassValue<Field> fieldNamed(String name) {
        return new ClassValue<>() {
            @Override
            protected Field computeValue(Class<?> type) {
                for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                    try {
                        Field f = c.getDeclaredField(name);
                        f.setAccessible(true);
                        return f;
                    } catch (NoSuchFieldException e) {
                        // keep looking in the superclass
                    } catch (RuntimeException e) {
                        return null;
                    }
                }
                return null;
            }
        };
    }

    /** The shape of an NDArray as long[], or null if {@code ndArray} is not one. */
    static long[] shape(Object ndArray) throws ReflectiveOperationException {
        if (ndArray == null) return null;
        Method gs = GET_SHAPE.get(ndArray.getClass());
        if (gs == null) return null;
        Object shape = gs.invoke(ndArray);
        if (shape == null) return null;
        Method arr = SHAPE_ARRAY.get(shape.getClass());
        Object v = arr == null ? null : arr.invoke(shape);
        return v instanceof long[] ? (long[]) v : null;
    }

    /** The model name of a TextGenerator (through its Predictor) or of a Predictor. */
    static String modelName(Object generatorOrPredictor) throws ReflectiveOperationException {
        Object predictor = generatorOrPredictor;
        Field pf = PREDICTOR_FIELD.get(generatorOrPredictor.getClass());
        if (pf != null) predictor = pf.get(generatorOrPredictor);
        if (predictor == null) return null;
        Field mf = MODEL_FIELD.get(predictor.getClass());
        Object model = mf == null ? null : mf.get(predictor);
        if (model == null) return null;
        Method n = GET_NAME.get(model.getClass());
        Object name = n == null ? null : n.invoke(model);
        return name == null ? null : name.toString();
    }

    /** Model.getName() of a DJL Model, or null. */
    static String modelNameOfModel(Object model) throws ReflectiveOperationException {
        if (model == null) return null;
        Method n = GET_NAME.get(model.getClass());
        Object name = n == null ? null : n.invoke(model);
        return name == null ? null : name.toString();
    }

    /** SearchConfig.getMaxSeqLength() of a TextGenerator, or -1. */
    static int maxSeqLength(Object generator) throws ReflectiveOperationException {
        Field cf = CONFIG_FIELD.get(generator.getClass());
        Object cfg = cf == null ? null : cf.get(generator);
        if (cfg == null) return -1;
        Method m = GET_MAX_SEQ.get(cfg.getClass());
        Object v = m == null ? null : m.invoke(cfg);
        return v instanceof Integer ? (Integer) v : -1;
    }
}

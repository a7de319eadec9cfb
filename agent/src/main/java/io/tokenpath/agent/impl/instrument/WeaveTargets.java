package io.tokenpath.agent.impl.instrument;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every class the agent weaves, by exact name. Known before Byte Buddy is loaded, so the {@link WeavingGate} can
 * be in place from the first instant of premain and any other class costs one set lookup when it loads.
 * {@link Instrumenter} matches on these same names.
 */
public final class WeaveTargets {
    private WeaveTargets() {}

    static final String TEXT_GENERATOR = "ai.djl.modality.nlp.generate.TextGenerator";
    static final String STEP_GENERATION = "ai.djl.modality.nlp.generate.StepGeneration";
    static final String SEQ_BATCH_SCHEDULER = "ai.djl.modality.nlp.generate.SeqBatchScheduler";
    static final String SEQ_BATCHER = "ai.djl.modality.nlp.generate.SeqBatcher";
    static final String PREDICTOR = "ai.djl.inference.Predictor";
    static final String CHUNKED_SUPPLIER = "ai.djl.inference.streaming.ChunkedBytesSupplier";
    static final String PUBLISHER_SUPPLIER = "ai.djl.inference.streaming.PublisherBytesSupplier";
    /** Each engine's Model class. */
    static final List<String> MODELS = List.of("ai.djl.pytorch.engine.PtModel", "ai.djl.mxnet.engine.MxModel",
            "ai.djl.onnxruntime.engine.OrtModel", "ai.djl.tensorflow.engine.TfModel");
    static final String BASE_BLOCK = "ai.djl.nn.AbstractBaseBlock";
    static final String JDK_HTTP_CHAIN = "com.sun.net.httpserver.Filter$Chain";
    static final List<String> SERVLETS = List.of("jakarta.servlet.http.HttpServlet", "javax.servlet.http.HttpServlet");
    static final String THREAD_POOL = "java.util.concurrent.ThreadPoolExecutor";
    static final List<String> QUEUES = List.of("java.util.concurrent.ArrayBlockingQueue",
            "java.util.concurrent.LinkedBlockingQueue", "java.util.concurrent.LinkedBlockingDeque");
    static final String PUBLIC_API = "io.tokenpath.api.Tokenpath";

    /** The binary names ({@code a.b.C$D}) woven under {@code plan}. */
    public static Set<String> of(Instrumenter.Plan plan) {
        Set<String> names = new LinkedHashSet<>();
        if (plan.djl()) {
            names.addAll(List.of(TEXT_GENERATOR, STEP_GENERATION, SEQ_BATCH_SCHEDULER, SEQ_BATCHER, PREDICTOR,
                    CHUNKED_SUPPLIER, PUBLISHER_SUPPLIER));
            names.addAll(MODELS);
        }
        if (plan.blocks()) names.add(BASE_BLOCK);
        if (plan.http()) {
            names.add(JDK_HTTP_CHAIN);
            names.addAll(SERVLETS);
        }
        if (plan.executors()) {
            names.add(THREAD_POOL);
            names.addAll(QUEUES);
        }
        names.add(PUBLIC_API);
        for (String spec : new String[] {plan.requestPointcut(), plan.tokenPointcut()}) {
            if (spec != null && !spec.isBlank()) names.add(Instrumenter.Pointcut.parse(spec).className());
        }
        return names;
    }

    /**
     * The JDK's own classes among the targets. The agent's start-up threads load some of them (queues, thread
     * pools, the HTTP server's chain), so a load of these never waits for the agent: one loaded early is woven by
     * retransformation once the agent is ready.
     */
    public static boolean isJdk(String binaryName) {
        return binaryName.startsWith("java.") || binaryName.startsWith("com.sun.");
    }
}

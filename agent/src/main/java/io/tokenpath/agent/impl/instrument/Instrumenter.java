package io.tokenpath.agent.impl.instrument;

import io.tokenpath.agent.bootstrap.Bridge;
import io.tokenpath.agent.impl.AgentLog;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.*;

/**
 * Builds the weaving of the advice into DJL (generation, steps, continuous batching, model calls), the JDK HTTP server (client identity and arrival),
 * ThreadPoolExecutor (request context across queues) and configured custom pointcuts, on the classes
 * {@link WeaveTargets} names. No class-format changes, so classes already loaded (a late attach, the JDK's early
 * classes) are woven by retransformation.
 */
public final class Instrumenter {
    /** Which pieces to weave. */
    public record Plan(boolean djl, boolean http, boolean executors, boolean blocks, String requestPointcut,
            String tokenPointcut) {}

    private Instrumenter() {}

    /**
     * The weaving transformer for {@code plan}, not registered: the {@link WeavingGate} calls it for the target
     * classes once the agent is ready. The names of the classes it weaves are added to {@code woven}.
     */
    public static ClassFileTransformer build(Plan plan, AgentLog log, List<String> woven) throws ReflectiveOperationException {
        ClassLoader agentLoader = Instrumenter.class.getClassLoader();
        ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(agentLoader);
        Advice.WithCustomMapping mapping = Advice.withCustomMapping();
        // An advice that throws is suppressed (the application must never see it) and counted through the bridge.
        MethodDescription suppressed = new MethodDescription.ForLoadedMethod(Bridge.class.getMethod("suppressed", Throwable.class));
        Advice.ExceptionHandler handler = new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(suppressed));

        // Retransformation, no initialization strategy, no type validation: see LeanAgentBuilder.
        AgentBuilder b = LeanAgentBuilder.create()
                .disableClassFormatChanges()
                // The WeavingGate passes only the target classes by name: nothing else reaches the matchers.
                .ignore(none())
                .with(new Listener(log, woven));
        if (LeanAgentBuilder.fallback != null) {
            log.info("Byte Buddy's AgentBuilder built the slow way (" + LeanAgentBuilder.fallback + "): start-up takes longer");
        }
        if (plan.djl()) {
            b = b.type(named(WeaveTargets.TEXT_GENERATOR))
                    .transform(visit(mapping, GenerationAdvice.class, locator, handler,
                            named("greedySearch").or(named("beamSearch")).or(named("contrastiveSearch"))))
                    .type(named(WeaveTargets.STEP_GENERATION))
                    .transform(visit(mapping, TokenAdvice.class, locator, handler,
                            named("greedyStepGen").or(named("beamStepGeneration")).or(named("constrastiveStepGeneration"))))
                    // Continuous batching: join and steps on the scheduler, each step and each leave on the
                    // SeqBatcher, which every scheduler implementation drives the same way.
                    .type(named(WeaveTargets.SEQ_BATCH_SCHEDULER))
                    .transform(visit(mapping, BatchJoinAdvice.class, locator, handler,
                            named("addRequest").and(takesArguments(2))))
                    .transform(visit(mapping, BatchForwardAdvice.class, locator, handler,
                            named("incrementForward").and(takesArguments(int.class))))
                    .type(named(WeaveTargets.SEQ_BATCHER))
                    .transform(visit(mapping, BatchStepAdvice.class, locator, handler,
                            named("exitCriteria").and(takesArguments(3))))
                    .transform(visit(mapping, BatchLeaveAdvice.class, locator, handler,
                            named("collectAndTrim").and(takesArguments(0))))
                    .type(named(WeaveTargets.PREDICTOR))
                    .transform(visit(mapping, ModelCallAdvice.class, locator, handler, named("batchPredict")))
                    .type(named(WeaveTargets.PREDICTOR))
                    .transform(visit(mapping, BlockCallAdvice.class, locator, handler, named("predictInternal")))
                    // Streamed responses: ChunkedBytesSupplier's byte[] overload delegates to the BytesSupplier one,
                    // so only that one is woven; PublisherBytesSupplier has the byte[] one alone.
                    .type(namedOneOf(WeaveTargets.CHUNKED_SUPPLIER, WeaveTargets.PUBLISHER_SUPPLIER))
                    .transform(visit(mapping, StreamCreatedAdvice.class, locator, handler, isConstructor().and(takesArguments(0))))
                    .transform(visit(mapping, StreamChunkAdvice.class, locator, handler, named("appendContent")
                            .and(takesArguments(2)).and(takesArgument(1, boolean.class))
                            .and(takesArgument(0, named("ai.djl.ndarray.BytesSupplier"))
                                    .or(isDeclaredBy(named(WeaveTargets.PUBLISHER_SUPPLIER))))))
                    // Each engine's Model class, by name (no type matching over every loaded class).
                    .type(namedOneOf(WeaveTargets.MODELS.toArray(String[]::new)))
                    .transform(visit(mapping, ModelLoadAdvice.class, locator, handler,
                            named("load").and(takesArguments(3)).and(takesArgument(0, named("java.nio.file.Path")))));
        }
        if (plan.blocks()) {
            b = b.type(named(WeaveTargets.BASE_BLOCK))
                    .transform(visit(mapping, BlockForwardAdvice.class, locator, handler,
                            named("forward").and(takesArguments(4)).and(takesArgument(2, boolean.class))));
        }
        if (plan.http()) {
            // Every exchange of the JDK server passes through Filter.Chain.doFilter on its way to the handler (and
            // again per filter: the advice keeps the outermost). One JDK class instead of matching every loaded
            // class against HttpHandler, which costs type resolution for each class the application loads.
            b = b.type(named(WeaveTargets.JDK_HTTP_CHAIN))
                    .transform(visit(mapping, HttpRequestAdvice.class, locator, handler,
                            named("doFilter").and(takesArguments(1))))
                    // Servlet containers: the public service(ServletRequest, ServletResponse) of HttpServlet itself,
                    // which every HttpServlet subclass inherits (frameworks override the protected overload and
                    // doGet/doPost, which it calls). By name again: no hierarchy matching over the app's classes.
                    .type(namedOneOf(WeaveTargets.SERVLETS.toArray(String[]::new)))
                    .transform(visit(mapping, HttpRequestAdvice.class, locator, handler,
                            named("service").and(takesArguments(2)).and(isPublic())
                                    .and(takesArgument(0, namedOneOf("jakarta.servlet.ServletRequest", "javax.servlet.ServletRequest")))));
        }
        if (plan.executors()) {
            b = b.type(named(WeaveTargets.THREAD_POOL))
                    .transform(visit(mapping, ExecutorAdvice.class, locator, handler,
                            named("execute").and(takesArguments(Runnable.class))));
            // Hand-written hand-offs: the bounded queues servers put jobs in. Only the JDK's own blocking queues
            // (subclasses inherit these methods); the advice is a ThreadLocal read when no request is current.
            b = b.type(namedOneOf(WeaveTargets.QUEUES.toArray(String[]::new)))
                    .transform(visit(mapping, QueueOfferAdvice.class, locator, handler,
                            namedOneOf("offer", "put", "add", "offerLast", "putLast", "addLast").and(takesArgument(0, Object.class))
                                    .and(not(isAbstract()))))
                    .transform(visit(mapping, QueueTakeAdvice.class, locator, handler,
                            namedOneOf("take", "poll", "takeFirst", "pollFirst").and(returns(Object.class)).and(not(isAbstract()))));
        }
        // The public API (io.tokenpath.api, in the application's class path): always woven, it is the user's own ask.
        b = b.type(named(WeaveTargets.PUBLIC_API))
                .transform(visit(mapping, ApiVoidAdvice.class, locator, handler, isStatic().and(returns(void.class))))
                .transform(visit(mapping, ApiBooleanAdvice.class, locator, handler, isStatic().and(returns(boolean.class))));
        b = pointcut(b, plan.requestPointcut(), GenerationAdvice.class, mapping, locator, handler);
        b = pointcut(b, plan.tokenPointcut(), TokenAdvice.class, mapping, locator, handler);
        return b.makeRaw();
    }

    private static AgentBuilder pointcut(AgentBuilder b, String spec, Class<?> advice, Advice.WithCustomMapping mapping,
            ClassFileLocator locator, Advice.ExceptionHandler handler) {
        if (spec == null || spec.isBlank()) return b;
        Pointcut p = Pointcut.parse(spec);
        return b.type(named(p.className())).transform(visit(mapping, advice, locator, handler,
                named(p.methodName()).and(not(isAbstract()))));
    }

    private static AgentBuilder.Transformer visit(Advice.WithCustomMapping mapping, Class<?> advice, ClassFileLocator locator,
            Advice.ExceptionHandler handler, ElementMatcher<? super MethodDescription> methods) {
        Advice a = mapping.to(advice, locator).withExceptionHandler(handler);
        return (builder, type, loader, module, domain) -> builder.visit(a.on(methods));
    }

    /** Counts and names what was woven; reports what could not be. */
    private static final class Listener extends AgentBuilder.Listener.Adapter {
        private final AgentLog log;
        private final List<String> transformed;

        Listener(AgentLog log, List<String> transformed) {
            this.log = log;
            this.transformed = transformed;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                net.bytebuddy.dynamic.DynamicType dynamicType) {
            transformed.add(type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            log.error("instrumenting " + typeName, t);
        }
    }

    /** {@code com.example.Loop#generate}. */
    public record Pointcut(String className, String methodName) {
        public static Pointcut parse(String spec) {
            int h = spec.indexOf('#');
            if (h <= 0 || h == spec.length() - 1 || spec.indexOf('#', h + 1) >= 0) {
                throw new IllegalArgumentException("pointcut '" + spec + "' is not Class#method (e.g. com.example.Loop#generate)");
            }
            return new Pointcut(spec.substring(0, h).trim(), spec.substring(h + 1).trim());
        }
    }
}

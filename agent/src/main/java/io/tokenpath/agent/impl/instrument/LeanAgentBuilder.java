package io.tokenpath.agent.impl.instrument;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;

import java.lang.reflect.Constructor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static net.bytebuddy.matcher.ElementMatchers.none;

/**
 * Byte Buddy's {@code AgentBuilder.Default} configured as the agent uses it, built without the defaults it would
 * replace anyway. The public constructor creates a self-injecting {@code InitializationStrategy}, whose
 * {@code NexusAccessor} prepares class injection into the system class loader by generating a class with Byte Buddy
 * itself: measured here, about a third of the agent's start-up, for a strategy the agent replaces with {@code NoOp}
 * (advice is inlined; nothing is ever injected). The full constructor is protected and takes a type that is
 * protected in another class, so it is called reflectively; if a Byte Buddy version changes it, the public
 * constructor is used and only the time is lost.
 */
final class LeanAgentBuilder {
    private LeanAgentBuilder() {}

    /** Why the last {@link #create} fell back to the public constructor, or null when it built the lean way. */
    static volatile String fallback;

    static AgentBuilder create() {
        ByteBuddy byteBuddy = new ByteBuddy().with(TypeValidation.DISABLED); // inlining generates nothing to validate
        try {
            AgentBuilder b = reflective(byteBuddy);
            fallback = null;
            return b;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            fallback = e.toString();
            return new AgentBuilder.Default(byteBuddy)
                    .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                    .with(AgentBuilder.TypeStrategy.Default.REDEFINE_FROZEN)
                    .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
        }
    }

    private static AgentBuilder reflective(ByteBuddy byteBuddy) throws ReflectiveOperationException {
        // Every argument by its parameter type, in the constructor's order; the same values the public constructor
        // passes but for the initialization, type, redefinition and injection strategies.
        Map<String, Object> byType = new LinkedHashMap<>();
        byType.put("net.bytebuddy.ByteBuddy", byteBuddy);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$Listener", AgentBuilder.Listener.NoOp.INSTANCE);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$CircularityLock", new AgentBuilder.CircularityLock.Default());
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$PoolStrategy", AgentBuilder.PoolStrategy.Default.FAST);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$TypeStrategy", AgentBuilder.TypeStrategy.Default.REDEFINE_FROZEN);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$LocationStrategy", AgentBuilder.LocationStrategy.ForClassLoader.STRONG);
        byType.put("net.bytebuddy.dynamic.ClassFileLocator", ClassFileLocator.NoOp.INSTANCE);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$Default$NativeMethodStrategy",
                constant("net.bytebuddy.agent.builder.AgentBuilder$Default$NativeMethodStrategy$Disabled"));
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$Default$WarmupStrategy",
                constant("net.bytebuddy.agent.builder.AgentBuilder$Default$WarmupStrategy$NoOp"));
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$TransformerDecorator", AgentBuilder.TransformerDecorator.NoOp.INSTANCE);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$InitializationStrategy", AgentBuilder.InitializationStrategy.NoOp.INSTANCE);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$RedefinitionStrategy", AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$RedefinitionStrategy$DiscoveryStrategy",
                AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.SinglePass.INSTANCE);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$RedefinitionStrategy$BatchAllocator",
                AgentBuilder.RedefinitionStrategy.BatchAllocator.ForTotal.INSTANCE);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$RedefinitionStrategy$Listener",
                AgentBuilder.RedefinitionStrategy.Listener.NoOp.INSTANCE);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$RedefinitionStrategy$ResubmissionStrategy",
                constant("net.bytebuddy.agent.builder.AgentBuilder$RedefinitionStrategy$ResubmissionStrategy$Disabled"));
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$InjectionStrategy", AgentBuilder.InjectionStrategy.Disabled.INSTANCE);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$LambdaInstrumentationStrategy", AgentBuilder.LambdaInstrumentationStrategy.DISABLED);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$DescriptionStrategy", AgentBuilder.DescriptionStrategy.Default.HYBRID);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$FallbackStrategy", AgentBuilder.FallbackStrategy.ByThrowableType.ofOptionalTypes());
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$ClassFileBufferStrategy", AgentBuilder.ClassFileBufferStrategy.Default.RETAINING);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$InstallationListener", AgentBuilder.InstallationListener.NoOp.INSTANCE);
        byType.put("net.bytebuddy.agent.builder.AgentBuilder$RawMatcher", new AgentBuilder.RawMatcher.ForElementMatchers(none()));
        byType.put("java.util.List", Collections.emptyList());

        Constructor<?> full = null;
        for (Constructor<?> c : AgentBuilder.Default.class.getDeclaredConstructors()) {
            if (full == null || c.getParameterCount() > full.getParameterCount()) full = c;
        }
        Class<?>[] types = full.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            if (!byType.containsKey(types[i].getName())) {
                throw new NoSuchMethodException("AgentBuilder.Default takes an unexpected " + types[i].getName());
            }
            args[i] = byType.get(types[i].getName());
        }
        if (types.length != byType.size()) throw new NoSuchMethodException("AgentBuilder.Default's constructor changed");
        full.setAccessible(true);
        return (AgentBuilder) full.newInstance(args);
    }

    private static Object constant(String enumClass) throws ReflectiveOperationException {
        return Class.forName(enumClass, true, AgentBuilder.class.getClassLoader()).getField("INSTANCE").get(null);
    }
}

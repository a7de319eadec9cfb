package io.tokenpath.agent.impl.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The agent's Byte Buddy builder comes from the full constructor, not the slow public one (start-up time). */
class LeanAgentBuilderTest {

    @Test
    void thisByteBuddyTakesTheLeanPath() {
        AgentBuilder b = LeanAgentBuilder.create();
        assertNotNull(b);
        assertNull(LeanAgentBuilder.fallback, "fell back to the public constructor: " + LeanAgentBuilder.fallback);
    }
}

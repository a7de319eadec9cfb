package io.tokenpath.agent.impl.attribution;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The client entry of a W3C baggage header, as the specification writes list members. */
class W3cBaggageTest {

    @Test
    void findsTheEntryAmongOthersWithPropertiesAndSpaces() {
        assertEquals("bob", W3cBaggage.value("tenant=t1, client.id = bob ;source=gw;x, z=1", "client.id"));
        assertEquals("bob", W3cBaggage.value("client.id=bob", "client.id"));
        assertNull(W3cBaggage.value("tenant=t1", "client.id"));
        assertNull(W3cBaggage.value(null, "client.id"));
        assertNull(W3cBaggage.value("client.identity=x", "client.id"), "keys match whole");
    }

    @Test
    void valuesArePercentDecodedUtf8AndPlusStaysAPlus() {
        assertEquals("team a+b", W3cBaggage.value("client.id=team%20a+b", "client.id"));
        assertEquals("zoë", W3cBaggage.value("client.id=zo%C3%AB", "client.id"));
        assertEquals("50%", W3cBaggage.value("client.id=50%", "client.id"), "a lone percent sign is kept");
    }

    @Test
    void malformedMembersAndOversizeHeadersAreSkipped() {
        assertEquals("ok", W3cBaggage.value("garbage, =nokey, client.id=ok", "client.id"));
        assertNull(W3cBaggage.value("client.id=x," + "a=b,".repeat(3000), "client.id"), "over 8192 bytes is not baggage");
    }
}

package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #13, payloads carrying {@code @class}/{@code @type} and wrapper forms with gadget
 * class names ({@link GadgetVictim#payloads()}), on untyped and typed channels, in shared memory and
 * through pub/sub: each is decoded as plain data or refused, and no class named on the wire is loaded.
 *
 * <p>Proof of "not loaded": a child JVM runs {@link GadgetVictim} with {@code -Xlog:class+load} to a
 * file; none of the gadget names may appear there, while {@link ClassLoadSentinel}, loaded on purpose
 * at the end, must (so the log does record test classes). {@link WireGadget}'s static initialiser
 * would also set a property and write a marker file. The same run in this JVM must not set the property.
 */
@Timeout(120)
class GadgetPayloadTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void noClassNamedOnTheWireIsLoadedInAChildJvm() throws Exception {
        Path classLog = dir.resolve("classes.log");
        Path marker = dir.resolve("gadget-initialised");
        List<String> jvmArgs = List.of("-Xlog:class+load=info:file=" + classLog, "-D" + WireGadget.MARKER + "=" + marker);
        try (JvmWithArgs child = JvmWithArgs.start(dir.resolve("logs"), jvmArgs, GadgetVictim.class,
                dir.resolve("child-domain").toString())) {
            child.awaitSuccess(WAIT);
            String out = child.output();
            assertTrue(out.contains("NO-GADGET-INITIALISED") && out.contains("SENTINEL sentinel"), out);
            String loaded = Files.readString(classLog);
            assertTrue(loaded.contains(ClassLoadSentinel.class.getName() + " source:"),
                    "the class-load log does not record test classes, so it proves nothing");
            for (String gadget : GadgetVictim.GADGETS) {
                assertFalse(loaded.contains(gadget + " "), gadget + " was loaded");
            }
            assertFalse(Files.exists(marker), "WireGadget's static initialiser ran");
            System.out.println("RELIABILITY #13 payloads=" + GadgetVictim.payloads().size() + " gadgets="
                    + GadgetVictim.GADGETS.size() + " " + ReliabilitySupport.lineAfterText(out, "NO-GADGET-INITIALISED "));
        }
    }

    @Test
    void noClassNamedOnTheWireIsInitialisedInThisJvm() throws Exception {
        String figures = GadgetVictim.run(dir.resolve("domain"));
        assertNull(System.getProperty(WireGadget.LOADED), "WireGadget's static initialiser ran in the test JVM");
        assertTrue(figures.startsWith("decoded="), figures);
    }
}

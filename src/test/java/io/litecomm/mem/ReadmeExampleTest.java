package io.litecomm.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.litecomm.Channel;
import io.litecomm.Comm;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** README's "Testing your code with mem:" example, as it is printed there (kept in step by hand). */
@Timeout(30)
class ReadmeExampleTest {

    /** The code under test: confirms every order it receives, until the channel is closed. */
    static void confirmOrders(Comm comm) {
        Channel<String> confirmations = comm.channel("confirmations", String.class);
        for (String order : comm.channel("orders", String.class)) {
            confirmations.send("confirmed " + order);
        }
    }

    @Test
    void confirmsEveryOrder() throws InterruptedException {
        URI domain = URI.create("mem:" + UUID.randomUUID());          // a domain of this test alone
        try (Comm test = Comm.open(domain); Comm service = Comm.open(domain)) {
            Thread worker = new Thread(() -> confirmOrders(service));   // the "other process"
            worker.start();
            Channel<String> orders = test.channel("orders", String.class);
            orders.send("book");
            orders.send("lamp");
            orders.close();                                             // ends the service's loop
            Channel<String> confirmations = test.channel("confirmations", String.class);
            assertEquals(Optional.of("confirmed book"), confirmations.receive(Duration.ofSeconds(5)));
            assertEquals(Optional.of("confirmed lamp"), confirmations.receive(Duration.ofSeconds(5)));
            worker.join(5_000);
        }                                                               // last close: the domain is gone
    }
}

/**
 * litecomm: channels and shared memory between JVM processes on one host, on plain java.nio.
 */
module io.litecomm {
    requires transitive com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.management;
    requires org.apache.commons.io;
    requires jul.to.slf4j;
    // the Redis transport only; an application that opens redis:// puts Jedis on its path
    requires static redis.clients.jedis;
    requires static org.apache.commons.pool2;

    exports io.litecomm;
    exports io.litecomm.codec;
    // the seam a transport of another artifact implements
    exports io.litecomm.spi;

    uses io.litecomm.spi.TransportProvider;
    provides io.litecomm.spi.TransportProvider with io.litecomm.mapped.MappedTransportProvider,
            io.litecomm.mem.MemTransportProvider, io.litecomm.redis.RedisTransportProvider;
    // a managed child's SLF4J provider, selected by name through slf4j.provider (never by discovery)
    exports io.litecomm.process to org.slf4j;
}

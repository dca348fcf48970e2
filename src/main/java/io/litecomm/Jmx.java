package io.litecomm;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers and unregisters litecomm's MBeans; failures are logged, never thrown at users. */
final class Jmx {

    private static final Logger LOG = LoggerFactory.getLogger(Jmx.class);
    private static final AtomicLong IDS = new AtomicLong();

    private Jmx() {
    }

    /** A distinct id for each {@code Comm} of this JVM, for its MBeans' names. */
    static String nextId() {
        return Long.toString(IDS.incrementAndGet());
    }

    static ObjectName channelName(String commId, String channel) {
        return name("io.litecomm:type=Channel,comm=" + commId + ",name=" + ObjectName.quote(channel));
    }

    static ObjectName watcherName(String commId) {
        return name("io.litecomm:type=Watcher,comm=" + commId);
    }

    static ObjectName sharedMemoryName(String commId) {
        return name("io.litecomm:type=SharedMemory,comm=" + commId);
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (JMException e) {
            throw new IllegalArgumentException("bad MBean name: " + text, e);
        }
    }

    static void register(Object bean, ObjectName name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(bean, name);
        } catch (InstanceAlreadyExistsException e) {
            unregister(name);
            register(bean, name);
        } catch (JMException | RuntimeException e) {
            LOG.warn("cannot register MBean: name={} cause={}", name, e.toString());
        }
    }

    static void unregister(ObjectName name) {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException gone) {
            // already unregistered
        } catch (JMException | RuntimeException e) {
            LOG.warn("cannot unregister MBean: name={} cause={}", name, e.toString());
        }
    }
}

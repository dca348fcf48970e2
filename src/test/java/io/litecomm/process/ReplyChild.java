package io.litecomm.process;

import io.litecomm.Comm;
import org.slf4j.LoggerFactory;

/** A managed child that logs one line and sends one reply on {@code <name>-replies}, then exits. */
public final class ReplyChild {

    private ReplyChild() {
    }

    public static void main(String[] args) {
        String name = Comm.processName().orElseThrow();
        LoggerFactory.getLogger(ReplyChild.class).info("reply child up: loader={}", ReplyChild.class.getClassLoader());
        Comm.current().channel(name + "-replies", String.class).send("hello from " + ReplyChild.class.getName());
    }
}

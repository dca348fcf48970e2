/**
 * Payload codecs: the public {@link io.litecomm.codec.Codec} interface users implement, and the
 * built-in ones from {@link io.litecomm.codec.Codecs}: Jackson JSON (the default, with default
 * typing never enabled and nesting bounded) and raw {@code byte[]} (the fast path).
 */
package io.litecomm.codec;

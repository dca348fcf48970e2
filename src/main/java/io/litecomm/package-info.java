/**
 * litecomm's public API: {@link io.litecomm.Comm} domains, {@link io.litecomm.Channel}s with Go
 * semantics between processes on one host, {@link io.litecomm.Select}, and the exceptions, all
 * unchecked, under {@link io.litecomm.CommException}.
 */
package io.litecomm;

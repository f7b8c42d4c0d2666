/**
 * The codec of Sluice's native protocol v1 ({@code docs/protocol.md}): frames, one record per
 * request and response body, and the Netty frame decoder shared by server and client.
 *
 * <p>Server side, per channel: {@link dev.sluice.protocol.FrameDecoder} first; then, for each
 * frame it emits (length field included, owned by the handler):
 *
 * <pre>{@code
 * FrameHeader header = FrameHeader.decode(frame);          // CORRUPT_FRAME only if malformed
 * try {
 *     Request request = Frames.decodeRequest(header, frame); // flags, api, version, body
 *     ... // handle; bytes/records fields are slices of frame: keep frame until done
 *     ByteBuf out = Frames.encodeResponse(ctx.alloc(), header.version(),
 *             header.correlationId(), response);
 *     ctx.writeAndFlush(out);                                 // zero-copy for FETCH records
 * } catch (ProtocolException e) {
 *     if (!header.isOneway()) {
 *         ctx.writeAndFlush(Frames.encodeErrorResponse(
 *                 ctx.alloc(), header, e.errorCode(), e.getMessage()));
 *     }
 * } finally {
 *     frame.release();
 * }
 * }</pre>
 *
 * A {@link dev.sluice.protocol.ProtocolException} fired by the {@code FrameDecoder} itself
 * (a length outside {@code [10, frameBytesMax]}) means: close the connection.
 *
 * <p>Client side: {@link dev.sluice.protocol.Frames#encodeRequest} /
 * {@link dev.sluice.protocol.Frames#encodeOnewayRequest}, and
 * {@link dev.sluice.protocol.Frames#decodeResponse(FrameHeader, io.netty.buffer.ByteBuf)} for
 * responses and PUSH_RECORDS frames alike (match by correlation id, or subscription id when
 * {@link dev.sluice.protocol.FrameHeader#isPush()}).
 *
 * <p>Helpers live in {@code dev.sluice.protocol.internal}; nothing there is API.
 */
package dev.sluice.protocol;

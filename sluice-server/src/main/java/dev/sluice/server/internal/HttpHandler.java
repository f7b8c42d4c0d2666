package dev.sluice.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the HTTP listener's two paths: {@code GET /metrics} (Prometheus text format) and
 * {@code GET /health} (200 with {@code {"status":"UP"}}, or 503 with the reason when the commit log
 * is FAILED or the broker is stopping). Anything else is 404; other methods 405. Runs on an event
 * loop thread; the suppliers must be quick and thread-safe.
 */
public final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOGGER = LoggerFactory.getLogger(HttpHandler.class);
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> metrics;
    private final Supplier<String> healthProblem;

    /**
     * @param metrics the Prometheus scrape text
     * @param healthProblem null when healthy, else a sentence saying what is wrong
     */
    public HttpHandler(Supplier<String> metrics, Supplier<String> healthProblem) {
        this.metrics = metrics;
        this.healthProblem = healthProblem;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        FullHttpResponse response;
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "only GET is served\n");
        } else if (path.equals("/metrics")) {
            response = text(HttpResponseStatus.OK, PROMETHEUS_TYPE, metrics.get());
        } else if (path.equals("/health")) {
            String problem = healthProblem.get();
            response = problem == null
                    ? text(HttpResponseStatus.OK, "application/json", "{\"status\":\"UP\"}\n")
                    : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "application/json",
                            "{\"status\":\"DOWN\",\"reason\":\"" + jsonEscape(problem) + "\"}\n");
        } else {
            response = text(HttpResponseStatus.NOT_FOUND, "text/plain", "no such path; try /metrics or /health\n");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOGGER.debug("HTTP connection failed; closing it", cause);
        ctx.close();
    }

    private static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return response;
    }

    static String jsonEscape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}

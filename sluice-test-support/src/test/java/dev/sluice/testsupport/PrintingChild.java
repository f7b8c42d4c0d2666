package dev.sluice.testsupport;

import java.io.IOException;
import java.io.PrintStream;

/**
 * The main class {@link ChildJvmTest} runs in child JVMs. Its arguments are a script of commands,
 * run in order:
 *
 * <ul>
 *   <li>{@code hook}: registers a shutdown hook that prints {@code HOOK} to stdout;
 *   <li>{@code echo TEXT} / {@code err TEXT}: prints TEXT to stdout / stderr;
 *   <li>{@code print N}: prints {@code line-0} to {@code line-<N-1>} to stdout;
 *   <li>{@code errfill BYTES}: writes BYTES bytes of {@code x} lines to stderr;
 *   <li>{@code property NAME}: prints the system property NAME (or {@code null});
 *   <li>{@code heap}: prints {@code Runtime.maxMemory()};
 *   <li>{@code exit CODE}: exits with CODE (shutdown hooks run);
 *   <li>{@code wait}: blocks until stdin ends (the parent closed it or died), then exits 0.
 * </ul>
 */
public final class PrintingChild {
    private PrintingChild() {}

    /** Runs the command script in {@code args}. */
    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        int i = 0;
        while (i < args.length) {
            String command = args[i++];
            switch (command) {
                case "hook" -> Runtime.getRuntime().addShutdownHook(
                        new Thread(() -> out.println("HOOK"), "printing-child-hook"));
                case "echo" -> out.println(args[i++]);
                case "err" -> System.err.println(args[i++]);
                case "print" -> {
                    int count = Integer.parseInt(args[i++]);
                    for (int line = 0; line < count; line++) {
                        out.println("line-" + line);
                    }
                }
                case "errfill" -> errfill(Integer.parseInt(args[i++]));
                case "property" -> out.println(System.getProperty(args[i++]));
                case "heap" -> out.println(Runtime.getRuntime().maxMemory());
                case "exit" -> System.exit(Integer.parseInt(args[i++]));
                case "wait" -> {
                    // Orphan guard: end of stdin means the parent closed it or died.
                    while (System.in.read() != -1) {
                        continue;
                    }
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown command: " + command);
            }
        }
    }

    private static void errfill(int bytes) {
        String line = "x".repeat(99);
        for (int written = 0; written < bytes; written += line.length() + 1) {
            System.err.println(line);
        }
    }
}

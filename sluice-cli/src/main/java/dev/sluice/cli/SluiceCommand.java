package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command: {@code sluice server | topic | produce | consume | group | queue | perf}. */
@Command(name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = SluiceCommand.Version.class,
        description = "Sluice message broker: run a broker, manage topics and groups, produce, consume, measure.",
        subcommands = {ServerCommand.class, TopicCommand.class, ProduceCommand.class, ConsumeCommand.class,
                GroupCommand.class, QueueCommand.class, PerfCommand.class})
public final class SluiceCommand {

    /** Runs the command line and exits with its code (0 ok, 1 failure, 2 usage error). */
    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("server")) {
            // Client commands print results on stdout and problems as one line on stderr: only warnings are logged.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                    System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        }
        System.exit(run(args));
    }

    /** Runs without exiting, for tests. */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new SluiceCommand());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            line.getErr().println("sluice: " + Errors.describe(exception));
            return 1;
        });
        return commandLine.execute(args);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SluiceCommand.class.getPackage().getImplementationVersion();
            return new String[] {"sluice " + (version == null ? "development build" : version)};
        }
    }
}

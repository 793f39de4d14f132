package io.rtpipe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rtpipe} command. Each subcommand lives in its own class; errors a user can cause end in one sentence. */
@Command(name = "rtpipe",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Real-time analytics on Amazon Kinesis: produce, consume, query, or run it all locally.",
        subcommands = {
                LocalCommand.class,
                ProduceCommand.class,
                ConsumeCommand.class,
                QueryCommand.class,
                BenchCommand.class,
                ConsoleCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new UserErrors());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rtpipe " + (version == null ? "(development build)" : version)};
        }
    }
}

package io.rtpipe.cli;

import io.rtpipe.cli.logging.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.Map;

/** The {@code rtpipe} command. Each subcommand lives in its own class; errors a user can cause end in one sentence. */
@Command(name = "rtpipe",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Real-time analytics on Amazon Kinesis: produce, consume, query, tail a stream, check and "
                + "preview metric specs offline, migrate KDA SQL applications, or run it all locally.",
        subcommands = {
                LocalCommand.class,
                ProduceCommand.class,
                ConsumeCommand.class,
                QueryCommand.class,
                CheckCommand.class,
                PreviewCommand.class,
                MigrateCommand.class,
                TailCommand.class,
                BenchCommand.class,
                ConsoleCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main {

    @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "Logs on stderr as text (default: ISO-8601 times) or json (one object per line).")
    void logFormat(Logging.Format format) {
        Logging.use(format);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line with AWS settings read from {@code env} instead of the process environment (tests). */
    static CommandLine commandLine(Map<String, String> env) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> cls) throws Exception {
                return cls == AwsOptions.class ? (K) new AwsOptions(env, System.err) : defaults.create(cls);
            }
        };
        CommandLine cli = new CommandLine(new Main(), factory);
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

package io.rtpipe.producer.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options of the benchmark programs. */
final class BenchArgs {

    private BenchArgs() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Options are --name value pairs; could not read '" + args[i] + "'.");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}

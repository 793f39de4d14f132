package io.rtpipe.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.net.URL;

/** How the command logs: the format chosen with {@code --log-format}, and levels commands change for their console. */
public final class Logging {

    /** The log formats: ISO-8601 text lines (default), or one JSON object per line. */
    public enum Format { text, json }

    private Logging() {
    }

    /** Reconfigures logback with the format's configuration file (bundled in the jar). */
    public static void use(Format format) {
        String resource = format == Format.json ? "rtpipe-logback-json.xml" : "logback.xml";
        URL url = Logging.class.getClassLoader().getResource(resource);
        if (url == null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another slf4j backend (a test classpath): its own configuration applies
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(url);
        } catch (JoranException e) {
            throw new IllegalStateException("the bundled logging configuration " + resource + " is broken", e);
        }
    }

    /** Sets the level of a logger and those below it, e.g. to keep rtpipe's own INFO lines off a live display. */
    public static void level(String logger, String level) {
        if (LoggerFactory.getLogger(logger) instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(Level.toLevel(level));
        }
    }
}

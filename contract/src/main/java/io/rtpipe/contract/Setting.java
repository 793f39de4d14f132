package io.rtpipe.contract;

import java.util.Objects;
import java.util.Optional;

/**
 * One setting of a deployed component, declared once: the command-line flag, the environment variable the CDK app
 * sets, the default and what it means. The CLI derives its options from these, worker launchers their argv, and the
 * CDK app the container and function environments, so a name cannot differ between the code and the template.
 *
 * @param flag         the long option without dashes, e.g. {@code checkpoint-interval}
 * @param env          the environment variable, e.g. {@code RTPIPE_CHECKPOINT_INTERVAL}
 * @param defaultValue the default as the user would type it, or null where there is none (required, or derived
 *                     from another setting: the description says which)
 * @param description  one sentence for help texts and docs
 */
public record Setting(String flag, String env, String defaultValue, String description) {

    public Setting {
        Objects.requireNonNull(flag, "flag");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(description, "description");
        if (flag.startsWith("-") || !env.equals(env.toUpperCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("flag without dashes and env in upper case, got " + flag + ", " + env);
        }
    }

    /** The option as typed: {@code --flag}. */
    public String option() {
        return "--" + flag;
    }

    public Optional<String> defaultIfAny() {
        return Optional.ofNullable(defaultValue);
    }
}

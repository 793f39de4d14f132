package io.rtpipe.sandbox.junit;

import io.rtpipe.sandbox.Backend;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a test class or method needs one particular backend, because it uses something only that backend
 * offers (the emulators' {@link io.rtpipe.sandbox.LocalAws#faults() fault injection} or their TLS Kinesis endpoint).
 * {@link SandboxExtension} (which the class must use) reports such a test as skipped on any other backend, with
 * {@link #reason()} and the selected backend in the message, and starts no sandbox for it.
 *
 * <pre>{@code
 * @ExtendWith(SandboxExtension.class)
 * @RequiresBackend(value = Backend.EMULATORS, reason = "stops and restarts the S3 emulator")
 * class SinkOutageIT { ... }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface RequiresBackend {

    Backend value();

    /** What the test needs from that backend, as a phrase: "stops and restarts the S3 emulator". */
    String reason();
}

package io.rtpipe.sandbox.junit;

import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.Sandbox;
import io.rtpipe.sandbox.SandboxConfig;
import io.rtpipe.sandbox.SandboxException;
import io.rtpipe.sandbox.SandboxUnavailableException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Injects a running {@link LocalAws} into test constructors, lifecycle and test methods:
 *
 * <pre>{@code
 * @ExtendWith(SandboxExtension.class)
 * class MyIT {
 *     MyIT(LocalAws aws) { ... }
 * }
 * }</pre>
 *
 * <p>One sandbox per backend per test JVM, shared by every test class (starting emulators takes seconds; tests use
 * {@link io.rtpipe.sandbox.UniqueNames unique} stream, table and bucket names so sharing is safe). It lives in the
 * root extension context's store, so JUnit closes it when the run ends, failed or not; a shutdown hook covers a JVM
 * that dies. A backend that cannot run here (LocalStack without Docker) aborts the test class: its tests are reported
 * skipped, never failed, and the reason is logged once. A backend that fails to start fails every class using it,
 * with the same error, without retrying. A class or method annotated {@link RequiresBackend} is skipped with its
 * reason on any other backend, before a sandbox is started for it.
 *
 * <p>Registered with {@code @ExtendWith} it uses {@link SandboxConfig#defaults()} (backend from {@code
 * -Drtpipe.sandbox} / {@code RTPIPE_SANDBOX}); register {@code new SandboxExtension(config)} with
 * {@code @RegisterExtension} on a static field to choose another configuration.
 */
public final class SandboxExtension
        implements ExecutionCondition, BeforeAllCallback, TestInstancePreConstructCallback, ParameterResolver {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SandboxExtension.class);

    private final SandboxConfig config;

    public SandboxExtension() {
        this(null);
    }

    public SandboxExtension(SandboxConfig config) {
        this.config = config;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<RequiresBackend> required = context.getElement()
                .flatMap(element -> AnnotationSupport.findAnnotation(element, RequiresBackend.class));
        if (required.isEmpty()) {
            return ConditionEvaluationResult.enabled("no particular sandbox backend required");
        }
        Backend needed = required.get().value();
        Backend selected = effectiveConfig().backend();
        if (needed == selected) {
            return ConditionEvaluationResult.enabled("runs on the selected " + selected.settingValue() + " backend");
        }
        return ConditionEvaluationResult.disabled(context.getDisplayName() + " needs the " + needed.settingValue()
                + " sandbox backend (it " + required.get().reason() + ") but " + selected.settingValue()
                + " is selected (-D" + Backend.PROPERTY + " / " + Backend.ENV + ").");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        sandbox(context);
    }

    /** Also before construction: with a per-class lifecycle the instance is built before {@code beforeAll}. */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        sandbox(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalAws.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return sandbox(extensionContext);
    }

    private SandboxConfig effectiveConfig() {
        return config != null ? config : SandboxConfig.defaults();
    }

    private LocalAws sandbox(ExtensionContext context) {
        SandboxConfig effective = effectiveConfig();
        var shared = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(
                "sandbox-" + effective.backend(), key -> SharedSandbox.start(effective), SharedSandbox.class);
        return shared.get();
    }

    /**
     * The outcome of starting a sandbox, remembered so a failure is reported to each class without a retry. The
     * store closes it (JUnit closes {@link AutoCloseable} store values when their context ends).
     */
    private static final class SharedSandbox implements AutoCloseable {
        private final LocalAws sandbox;
        private final RuntimeException failure;

        private SharedSandbox(LocalAws sandbox, RuntimeException failure) {
            this.sandbox = sandbox;
            this.failure = failure;
        }

        static SharedSandbox start(SandboxConfig config) {
            try {
                return new SharedSandbox(Sandbox.start(config), null);
            } catch (SandboxUnavailableException e) {
                // Said once on the console: build tools show skipped tests' reasons only in their reports.
                LOG.warn("Skipping every test that uses the {} sandbox: {}", config.backend().settingValue(),
                        e.getMessage());
                return new SharedSandbox(null, e);
            } catch (RuntimeException e) {
                return new SharedSandbox(null, e);
            }
        }

        LocalAws get() {
            if (failure instanceof SandboxUnavailableException unavailable) {
                throw new TestAbortedException(unavailable.getMessage());
            }
            if (failure != null) {
                throw new SandboxException("The shared sandbox failed to start: " + failure.getMessage(), failure);
            }
            return sandbox;
        }

        @Override
        public void close() {
            if (sandbox != null) {
                sandbox.close();
            }
        }
    }
}

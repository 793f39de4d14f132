package io.rtpipe.infra;

import io.rtpipe.contract.Setting;

import java.util.Map;
import java.util.TreeMap;

/**
 * A container's or function's environment built from the contract's {@link Setting}s, so the variable names are the
 * ones the deployed code reads, never a copy of them.
 */
final class SettingEnvironment {

    private SettingEnvironment() {
    }

    /** Variable name to value, sorted by name so the synthesized template does not change with map order. */
    static Map<String, String> of(Map<Setting, String> values) {
        Map<String, String> env = new TreeMap<>();
        values.forEach((setting, value) -> env.put(setting.env(), value));
        return env;
    }
}

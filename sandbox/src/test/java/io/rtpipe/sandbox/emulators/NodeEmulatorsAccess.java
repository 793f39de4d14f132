package io.rtpipe.sandbox.emulators;

/** Test access to the install folder's name, so a test can plant a broken install where the sandbox looks. */
public final class NodeEmulatorsAccess {

    private NodeEmulatorsAccess() {
    }

    public static String hash() {
        return NodeEmulators.manifestHash();
    }
}

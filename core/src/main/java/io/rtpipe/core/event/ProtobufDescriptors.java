package io.rtpipe.core.event;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;

import java.util.HashMap;
import java.util.Map;

/**
 * A message type out of a descriptor set ({@code protoc --include_imports --descriptor_set_out=x.desc}): builds the
 * set's files with their imports and finds the message by its full name.
 */
final class ProtobufDescriptors {
    private ProtobufDescriptors() {
    }

    /** @throws IllegalArgumentException with one sentence when the set is unreadable or lacks the message */
    static Descriptors.Descriptor message(byte[] descriptorSet, String fullName) {
        FileDescriptorSet set;
        try {
            set = FileDescriptorSet.parseFrom(descriptorSet);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a Protobuf descriptor set (" + e.getMessage() + ")");
        }
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        set.getFileList().forEach(file -> protos.put(file.getName(), file));
        Map<String, Descriptors.FileDescriptor> built = new HashMap<>();
        for (FileDescriptorProto file : set.getFileList()) {
            for (Descriptors.Descriptor top : build(file, protos, built).getMessageTypes()) {
                Descriptors.Descriptor found = nested(top, fullName);
                if (found != null) {
                    return found;
                }
            }
        }
        throw new IllegalArgumentException("the descriptor set has no message " + fullName + " (it has "
                + String.join(", ", built.values().stream().flatMap(f -> f.getMessageTypes().stream())
                .map(Descriptors.Descriptor::getFullName).sorted().toList()) + ")");
    }

    private static Descriptors.FileDescriptor build(FileDescriptorProto file, Map<String, FileDescriptorProto> protos,
                                                    Map<String, Descriptors.FileDescriptor> built) {
        Descriptors.FileDescriptor done = built.get(file.getName());
        if (done != null) {
            return done;
        }
        Descriptors.FileDescriptor[] dependencies = new Descriptors.FileDescriptor[file.getDependencyCount()];
        for (int i = 0; i < dependencies.length; i++) {
            FileDescriptorProto dependency = protos.get(file.getDependency(i));
            if (dependency == null) {
                throw new IllegalArgumentException("the descriptor set lacks " + file.getDependency(i) + ", which "
                        + file.getName() + " imports (run protoc with --include_imports)");
            }
            dependencies[i] = build(dependency, protos, built);
        }
        try {
            done = Descriptors.FileDescriptor.buildFrom(file, dependencies);
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalArgumentException("the descriptor set's " + file.getName() + " is not valid ("
                    + e.getMessage() + ")");
        }
        built.put(file.getName(), done);
        return done;
    }

    private static Descriptors.Descriptor nested(Descriptors.Descriptor type, String fullName) {
        if (type.getFullName().equals(fullName)) {
            return type;
        }
        for (Descriptors.Descriptor inner : type.getNestedTypes()) {
            Descriptors.Descriptor found = nested(inner, fullName);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}

package io.rtpipe.producer.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * How far a tailed file has been delivered: the file's identity (its file key, inode and device on Linux, which
 * survives a rename), how many times the source saw that file truncated (copytruncate; part of the lines' event ids,
 * so lines written after a truncation never share an id with lines read before it) and the byte offset just after the
 * last acknowledged line. Stored as a small JSON file, replaced atomically (write a temporary file, force it to disk,
 * rename it over the old one), so a crash leaves the old or the new position, never a torn one. A state file without
 * {@code truncations} (written before it existed) reads as 0.
 */
record TailPosition(String fileKey, long truncations, long offset) {

    private static final JsonFactory JSON = new JsonFactory();

    static Optional<TailPosition> load(Path stateFile) throws IOException {
        if (!Files.exists(stateFile)) {
            return Optional.empty();
        }
        String fileKey = null;
        long truncations = 0;
        long offset = -1;
        try (JsonParser p = JSON.createParser(stateFile.toFile())) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if ("fileKey".equals(field)) {
                        fileKey = p.getText();
                    } else if ("truncations".equals(field)) {
                        truncations = p.getLongValue();
                    } else if ("offset".equals(field)) {
                        offset = p.getLongValue();
                    }
                }
            }
        }
        if (fileKey == null || offset < 0 || truncations < 0) {
            throw new IOException("The tail state file " + stateFile + " lacks fileKey or offset; delete it to start"
                    + " from the beginning of the file.");
        }
        return Optional.of(new TailPosition(fileKey, truncations, offset));
    }

    void store(Path stateFile) throws IOException {
        Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
            try (JsonGenerator g = JSON.createGenerator(out)) {
                g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
                g.writeStartObject();
                g.writeStringField("fileKey", fileKey);
                g.writeNumberField("truncations", truncations);
                g.writeNumberField("offset", offset);
                g.writeEndObject();
            }
            channel.force(true);
        }
        Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

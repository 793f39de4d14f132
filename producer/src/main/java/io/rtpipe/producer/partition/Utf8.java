package io.rtpipe.producer.partition;

/** UTF-8 encoded length of a string without encoding it (partition keys are counted on every record). */
public final class Utf8 {

    private Utf8() {
    }

    public static int length(CharSequence s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // four bytes for the pair of chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}

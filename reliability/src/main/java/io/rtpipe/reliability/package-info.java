/**
 * The chaos suite's harness (issue #6): {@code worker} starts and kills {@code rtpipe consume} processes,
 * {@code load} produces sequence-numbered events and remembers what Kinesis acknowledged, {@code fault} breaks
 * things the emulators cannot break themselves (DynamoDB errors, malformed input), {@code verify} reads back what the
 * stream holds and what the workers wrote and compares the two with code of its own.
 */
package io.rtpipe.reliability;

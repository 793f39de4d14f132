#!/usr/bin/env bash
# The producer benchmark: this producer (aggregation, all production features) beside KPL 1.1.1 against a local
# endpoint that acknowledges PutRecords at once. Not run by ./mvnw verify. Options go to ProducerBenchmark, e.g.
#   producer-kpl/bench/run-benchmark.sh --sizes 100,1024 --seconds 15 --warmup 5
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -o -q -pl producer-kpl -am package -DskipTests \
    dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cd producer-kpl
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    io.rtpipe.producer.bench.ProducerBenchmark "$@"

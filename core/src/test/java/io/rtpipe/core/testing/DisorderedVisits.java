package io.rtpipe.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The input of the keyed-window property tests (sessions, stagger windows): 50 to 300 visits of random users a few
 * hundred ms apart, 30% of them up to 6 s out of order, fed to shard-0 of a driver that checkpoints after 10% of
 * them, crashes inside a checkpoint (at a random step) after 4% and crashes outright after 3%.
 */
final class DisorderedVisits {
    private DisorderedVisits() {
    }

    record Visit(String user, long ts) {
        String payload() {
            return "{\"ts\":" + ts + ",\"user\":\"" + user + "\"}";
        }
    }

    static List<Visit> feed(EngineTestDriver driver, Random random, String[] users) {
        List<Visit> visits = new ArrayList<>();
        long clock = 1_764_133_200_000L;
        int count = 50 + random.nextInt(250);
        for (int i = 0; i < count; i++) {
            clock += random.nextInt(400);
            long ts = clock - (random.nextInt(100) < 30 ? random.nextInt(6_000) : 0);
            Visit visit = new Visit(users[random.nextInt(users.length)], ts);
            visits.add(visit);
            driver.send("shard-0", visit.payload());
            int dice = random.nextInt(100);
            if (dice < 10) {
                driver.checkpoint("shard-0");
            } else if (dice < 14) {
                CheckpointStep[] steps = CheckpointStep.values();
                driver.crashDuringCheckpoint("shard-0", steps[random.nextInt(steps.length)]);
            } else if (dice < 17) {
                driver.crash("shard-0");
            }
        }
        return visits;
    }
}

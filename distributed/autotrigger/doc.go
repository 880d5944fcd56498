// Package autotrigger is the CD auto-trigger of slide 6, across processes:
// a CI build succeeds, its CD triggers go to a NATS JetStream work queue,
// and several replicas of the platform run them against one database.
//
// In one process the bound is an errgroup limit or a worker pool of 5. With
// three replicas it is 5 per replica: 15 against a pool of 10 connections.
// The bound that holds at that scale is one the engine enforces for every
// replica at once: a durable pull consumer's MaxAckPending.
//
// One idea per file:
//
//   - trigger.go: what a trigger is (its ID is the message ID and the
//     ledger key).
//   - queue.go: the work-queue stream, and publishing with Nats-Msg-Id so a
//     CI event sent twice triggers once.
//   - bound.go: the consumer: the global bound (MaxAckPending) against the
//     per-replica one it replaces.
//   - worker.go: the consumer loop: at most Limit in hand in this process,
//     ack after the work.
//   - pull.go: one pull, and why stopping never cancels it.
//   - progress.go: a slow trigger is not a dead one: InProgress while it
//     works, so AckWait runs out only for a replica that stopped.
//   - ledger.go: the idempotency ledger: a key-value Create, first writer
//     wins, so a redelivered trigger's effect happens once.
//   - handler.go: the trigger itself, in the order that makes it safe to
//     deliver twice: check, work, the effect, the rest, then the ack.
//   - drain.go: SIGTERM: stop pulling, finish what is in hand, drain the
//     connection.
//   - retry.go: the calls an election can time out, retried.
//
// The package never prints and never exits; the demo around it (in
// internal/) starts the replicas as processes, kills them, and measures.
package autotrigger

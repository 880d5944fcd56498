package autotrigger

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// GlobalBound is the consumer every replica pulls from when at most
// maxAckPending triggers may run at once across all of them: the server
// hands a message out only while fewer than maxAckPending are delivered and
// not yet acked, whichever replica asks. A replica that pulls more waits at
// the server, not in front of the database. Add a fourth replica and the
// bound is still maxAckPending.
//
// Set maxAckPending to what the shared resource takes (the database's
// connections), not to a per-process figure. Every delivered message counts
// until it is acked or its ackWait passes, including the ones a crashed
// replica held: after a crash the survivors run with fewer slots until
// ackWait returns them. That is the price of the bound being exact. (It is
// exact while one server leads the consumer; a new leader after a crash
// hands out again what the old one delivered and had not seen acked, so
// for a moment more than maxAckPending can be in hand. The ledger keeps
// their effects single.)
//
// ackWait is how long a delivered message may stay un-acked before the
// server delivers it again: longer than the slowest trigger (or the
// handler must call InProgress), short enough that a crashed replica's
// triggers come back soon. Production used 120 s.
func GlobalBound(durable string, maxAckPending int, ackWait time.Duration) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       durable,
		AckPolicy:     jetstream.AckExplicitPolicy, // each trigger acked on its own, after its work
		AckWait:       ackWait,
		MaxAckPending: maxAckPending,
		MaxDeliver:    -1, // redeliver until acked: the ledger makes a redelivery harmless
	}
}

// PerReplicaBound is Bad at scale: the consumer of a platform whose bound
// lives in each process (slide 7's batch of 5, or an errgroup limit). The
// server hands out as many messages as replicas ask for, so each replica's
// own limit is the only bound, and the database sees the limit times the
// number of replicas. It is here to be measured next to GlobalBound.
//
// The server's default MaxAckPending (1,000) would bound nothing here
// either; -1 says so plainly: no limit.
func PerReplicaBound(durable string, ackWait time.Duration) jetstream.ConsumerConfig {
	return GlobalBound(durable, -1, ackWait)
}
